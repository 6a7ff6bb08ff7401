package io.wanvideo.gateway.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Where {@link ObjectStore#copyFrom} reads from: a GET of an HTTP(S) URL (a DashScope result, an input URL),
 * with the source's refusals sorted into those worth retrying and those that are final.
 */
public final class HttpSource {
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    /** The response body, open; the caller closes it. */
    public record Body(InputStream stream, long length, String contentType) implements Closeable {
        /** @return the Content-Length, or -1 if the source did not say */
        @Override
        public long length() {
            return length;
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    private final Supplier<HttpClient> newClient;
    private HttpClient client;

    /** @param newClient called once, on the first copy: functions that never copy never pay for an HTTP client */
    public HttpSource(Supplier<HttpClient> newClient) {
        this.newClient = newClient;
    }

    public static HttpSource create(Duration connectTimeout) {
        // HTTP/1.1: one long download gains nothing from HTTP/2, and a plain-HTTP h2c upgrade confuses some servers.
        return new HttpSource(() -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build());
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = newClient.get();
        }
        return client;
    }

    /**
     * Sends the GET and waits at most {@code timeout} for the status and headers; the body is then read from the
     * returned stream.
     */
    public Body open(URI source, Duration timeout) throws InterruptedException {
        String scheme = source.getScheme() == null ? "" : source.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || source.getHost() == null) {
            throw ObjectStoreException.permanent("not an HTTP(S) URL: " + describe(source), null);
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(source).timeout(timeout).GET().build();
        } catch (IllegalArgumentException e) {
            throw ObjectStoreException.permanent("not a URL the HTTP client can fetch: " + describe(source), e);
        }
        HttpResponse<InputStream> response;
        try {
            response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw ObjectStoreException.transientFailure("no answer from " + describe(source) + " within " + timeout, e);
        } catch (IOException e) {
            throw ObjectStoreException.transientFailure("could not reach " + describe(source) + ": " + e, e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return new Body(response.body(), response.headers().firstValueAsLong("Content-Length").orElse(-1),
                    response.headers().firstValue("Content-Type").orElse(DEFAULT_CONTENT_TYPE));
        }
        try {
            response.body().close();
        } catch (IOException ignored) {
            // the status is what matters
        }
        throw refused(status, source);
    }

    /** 408, 429 and 5xx may pass; a missing (404, 410), forbidden or expired (401, 403) source will not come back. */
    static ObjectStoreException refused(int status, URI source) {
        String message = describe(source) + " answered HTTP " + status;
        if (status == 408 || status == 429 || status >= 500) {
            return ObjectStoreException.transientFailure(message, null);
        }
        return ObjectStoreException.permanent(status == 401 || status == 403 ? message + " (an expired or unsigned URL?)" : message, null);
    }

    /** The URL without its query: a presigned URL's query is a credential and must not reach logs or task errors. */
    public static String describe(URI source) {
        String host = source.getHost() == null ? "" : source.getHost();
        String port = source.getPort() < 0 ? "" : ":" + source.getPort();
        String path = source.getRawPath() == null ? "" : source.getRawPath();
        return (source.getScheme() == null ? "" : source.getScheme() + "://") + host + port + path;
    }
}

package io.wanvideo.gateway.functions.status;

import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.ApiErrors;
import io.wanvideo.gateway.api.ApiResponse;
import io.wanvideo.gateway.config.Env;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GET / and GET /assets/{file}: the playground and dashboard page, one HTML file, one script and one style sheet
 * from this jar, nothing from anywhere else. The page holds no secret: it asks for an API key, keeps it in the
 * browser's session storage, and sends it only in the Authorization header of its calls to this API.
 *
 * <p>Every answer of the page goes through {@link #file}: the one place its headers are set. The policy allows
 * script and style from this origin only (no inline code, no eval, Trusted Types required for any HTML sink), calls
 * to this origin only, and media from https: (result links point at the storage bucket or the upstream's) or, on the
 * one-machine stack, loopback. Asset URLs carry their content hash, so they are cached for good and a new deployment
 * is seen at once; the integrity attributes hold the browser to the same bytes.
 */
final class PlaygroundPage {
    private static final String RESOURCES = "page/";
    private static final Map<String, String> TYPES = Map.of(
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    private final String index;
    private final Map<String, String> assets = new LinkedHashMap<>();
    private final String policy;

    /** @param env LOCAL_NETWORK_TARGETS: the one-machine stack, whose result links are on loopback (http) */
    PlaygroundPage(Env env) {
        String html = read("index.html");
        for (String name : TYPES.keySet()) {
            String text = read(name);
            assets.put(name, text);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            html = html.replace("{{" + name + "}}", "/assets/" + name + "?v=" + HexFormat.of().formatHex(digest("SHA-256", bytes), 0, 8))
                    .replace("{{" + name + ".integrity}}", "sha384-" + Base64.getEncoder().encodeToString(digest("SHA-384", bytes)));
        }
        this.index = html;
        String media = "'self' https: blob:" + (env.flag("LOCAL_NETWORK_TARGETS", false) ? " http://127.0.0.1:* http://localhost:*" : "");
        this.policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; media-src " + media
                + "; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'; "
                + "require-trusted-types-for 'script'; trusted-types 'none'";
    }

    ApiResponse index() {
        // Revalidated on every visit: it names the current assets.
        return file("text/html; charset=utf-8", index, "no-cache");
    }

    ApiResponse asset(String name) {
        String text = assets.get(name);
        if (text == null) {
            // As any path nothing serves.
            throw ApiError.notFound(null, "Unknown route: GET /assets/" + ApiErrors.echo(name) + ".");
        }
        return file(TYPES.get(name), text, "public, max-age=31536000, immutable");
    }

    private ApiResponse file(String type, String text, String cacheControl) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("cache-control", cacheControl);
        headers.put("content-security-policy", policy);
        headers.put("x-content-type-options", "nosniff");
        headers.put("referrer-policy", "no-referrer");
        headers.put("cross-origin-opener-policy", "same-origin");
        headers.put("permissions-policy", "camera=(), microphone=(), geolocation=()");
        return new ApiResponse(200, new ApiResponse.Raw(type, text), Map.copyOf(headers));
    }

    private static String read(String name) {
        try (InputStream in = PlaygroundPage.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException(name + " of the playground page is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}

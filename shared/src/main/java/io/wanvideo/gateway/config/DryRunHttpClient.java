package io.wanvideo.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The HTTP client under every AWS client here: the given one, except inside a {@link DryRun}, where each call is
 * answered on the spot with the empty success its operation would get and never sent. So priming reads the answers
 * of the writes it makes as well as building them, and the first invocation after a restore finds that code loaded
 * too. The answers are what the two JSON protocols in use say for a write that changed nothing worth reporting: an
 * empty object for DynamoDB, and for SQS's SendMessage the digest of the body sent (the SDK checks it) and an id. A
 * GetItem is answered with the item the same run put under its key ({@link DryRun}), or as finding nothing.
 */
final class DryRunHttpClient implements SdkHttpClient {
    private static final String SEND_MESSAGE = "AmazonSQS.SendMessage";
    private static final String PUT_ITEM = "DynamoDB_20120810.PutItem";
    private static final String TRANSACT_WRITE_ITEMS = "DynamoDB_20120810.TransactWriteItems";
    private static final String GET_ITEM = "DynamoDB_20120810.GetItem";

    private final SdkHttpClient delegate;

    DryRunHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        if (!DryRun.active()) {
            return delegate.prepareRequest(request);
        }
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                DryRun.answered();
                return answer(request);
            }

            @Override
            public void abort() {}
        };
    }

    static HttpExecuteResponse answer(HttpExecuteRequest request) {
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
        String body = "{}";
        switch (target) {
            case SEND_MESSAGE -> {
                JsonNode sent = Json.read(read(request), JsonNode.class);
                body = Json.write(java.util.Map.of("MD5OfMessageBody", md5(sent.path("MessageBody").asText()),
                        "MessageId", "00000000-0000-0000-0000-000000000000"));
            }
            case PUT_ITEM -> {
                JsonNode put = Json.read(read(request), JsonNode.class);
                DryRun.put(put.path("TableName").asText(), put.path("Item"));
            }
            case TRANSACT_WRITE_ITEMS -> {
                for (JsonNode item : Json.read(read(request), JsonNode.class).path("TransactItems")) {
                    if (item.has("Put")) {
                        DryRun.put(item.path("Put").path("TableName").asText(), item.path("Put").path("Item"));
                    }
                }
            }
            case GET_ITEM -> {
                JsonNode get = Json.read(read(request), JsonNode.class);
                body = DryRun.get(get.path("TableName").asText(), get.path("Key"))
                        .map(item -> Json.write(java.util.Map.of("Item", item))).orElse(body);
            }
            default -> { }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder().statusCode(200)
                        .putHeader("Content-Type", "application/x-amz-json-1.0")
                        .putHeader("Content-Length", Integer.toString(bytes.length))
                        .putHeader("x-amzn-RequestId", "dry-run").build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                .build();
    }

    private static String read(HttpExecuteRequest request) {
        Optional<InputStream> stream = request.contentStreamProvider().map(p -> p.newStream());
        if (stream.isEmpty()) {
            return "{}";
        }
        try (InputStream in = stream.get()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }
}

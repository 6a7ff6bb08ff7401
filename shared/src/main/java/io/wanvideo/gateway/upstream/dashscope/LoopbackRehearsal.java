package io.wanvideo.gateway.upstream.dashscope;

import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.upstream.AccountLimits;
import io.wanvideo.gateway.upstream.TaskListing;
import io.wanvideo.gateway.upstream.UpstreamTask;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

/**
 * A create and a query made by a {@link DashScopeClient} against a stand-in for DashScope on a loopback port of this
 * process, answered with DashScope's own shapes: for priming a function before a SnapStart snapshot. Loading the
 * JDK's HTTP client is not enough: its exchange, connection and body-handling classes (some 200) and the client's
 * parsing load only when a request is sent and answered, which would otherwise happen at the first real call after a
 * restore. Nothing leaves the process and no key is used.
 *
 * <p>The stand-in is a plain socket, not the JDK's {@code com.sun.net.httpserver} the simulator uses: it runs inside
 * the deployed function's before-snapshot hook, where a module missing from the Lambda runtime would fail every
 * snapshot, and {@code java.base} is the one module sure to be there. It answers two known requests, no more.
 */
public final class LoopbackRehearsal {
    private static final String CREATED = "{\"output\":{\"task_id\":\"priming\",\"task_status\":\"PENDING\"},"
            + "\"request_id\":\"priming\"}";
    private static final String SUCCEEDED = "{\"output\":{\"task_id\":\"priming\",\"task_status\":\"SUCCEEDED\","
            + "\"submit_time\":\"2025-09-18 10:10:00.000\",\"end_time\":\"2025-09-18 10:12:37.114\","
            + "\"video_url\":\"http://127.0.0.1/priming.mp4\"},\"usage\":{\"duration\":5,\"video_count\":1,"
            + "\"SR\":720},\"request_id\":\"priming\"}";

    /** The listing as the completion watcher reads it (one page, its task listed SUCCEEDED since 2025-09-18). */
    private static final String LISTED = "{\"request_id\":\"priming\",\"data\":[{\"task_id\":\"priming\","
            + "\"status\":\"SUCCEEDED\",\"start_time\":1758161400000,\"end_time\":1758161557114,"
            + "\"gmt_create\":1758161400000,\"region\":\"priming\"}],\"page_no\":1,\"page_size\":100,\"total\":1,"
            + "\"total_page\":1}";

    private LoopbackRehearsal() {
    }

    /**
     * What the rehearsal's calls read, so a caller can check they ran through the client's own parsing.
     *
     * @param queried the state the query read (SUCCEEDED, as the stand-in answers)
     * @param listed  the listing's page (the one task, SUCCEEDED)
     */
    public record Rehearsed(UpstreamState queried, TaskListing listed) {}

    /**
     * Creates {@code spec}, queries the result and lists the account's tasks through a fresh client, the stand-in
     * answering each call once.
     */
    public static Rehearsed run(VideoSpec spec) {
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread standIn = new Thread(() -> answer(server, 3), "dashscope-rehearsal");
            standIn.setDaemon(true);
            standIn.start();
            DashScopeClient client = DashScopeClient.withKey("priming",
                    DashScopeClient.Settings.defaults(URI.create("http://127.0.0.1:" + server.getLocalPort())),
                    AccountLimits.DASHSCOPE, "priming", Clock.systemUTC());
            String id = client.create(spec);
            UpstreamTask task = client.query(id);
            Instant now = Instant.now();
            TaskListing listed = client.listTasks(now.minusSeconds(600), now, 1);
            standIn.join(5_000);
            return new Rehearsed(task.state(), listed);
        } catch (IOException e) {
            throw new IllegalStateException("the loopback rehearsal could not listen", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the loopback rehearsal", e);
        }
    }

    /**
     * Answers {@code calls} requests, one per connection: a POST as a create, the listing's path as a listing, anything
     * else as a query.
     */
    private static void answer(ServerSocket server, int calls) {
        for (int i = 0; i < calls; i++) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(5_000);
                String head = readRequest(socket.getInputStream());
                String body = head.startsWith("POST") ? CREATED
                        : head.startsWith("GET " + DashScopeClient.LIST_PATH + "?") ? LISTED : SUCCEEDED;
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                return; // the client's call then fails, and the rehearsal with it
            }
        }
    }

    /** Reads a request's head and, by its Content-Length, its body; returns the head. */
    private static String readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the request ended in its head");
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        in.readNBytes(length);
        return head.toString();
    }
}

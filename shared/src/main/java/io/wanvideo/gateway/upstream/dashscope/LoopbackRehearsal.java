package io.wanvideo.gateway.upstream.dashscope;

import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.upstream.TaskListing;
import io.wanvideo.gateway.upstream.UpstreamTask;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Calls made by a {@link DashScopeClient} against a stand-in for DashScope on a loopback port of this process, answered
 * with DashScope's own shapes: for priming a function before a SnapStart snapshot. Loading the JDK's HTTP client is not
 * enough: its exchange, connection and body-handling classes (some 200) and the client's parsing load only when a
 * request is sent and answered, which would otherwise happen at the first real call after a restore. Nothing leaves the
 * process and no key is used.
 *
 * <p>The stand-in is a plain socket, not the JDK's {@code com.sun.net.httpserver} the simulator uses: it runs inside
 * the deployed function's before-snapshot hook, where a module missing from the Lambda runtime would fail every
 * snapshot, and {@code java.base} is the one module sure to be there. It answers a create, a query and a listing.
 */
public final class LoopbackRehearsal {
    /** The stand-in's answers: a query of this task finds it running, of any other finished. */
    public static final String RUNNING_TASK = "priming-running";

    private static final String CREATED = "{\"output\":{\"task_id\":\"priming\",\"task_status\":\"PENDING\"},"
            + "\"request_id\":\"priming\"}";
    private static final String RUNNING = "{\"output\":{\"task_id\":\"" + RUNNING_TASK + "\",\"task_status\":\"RUNNING\","
            + "\"submit_time\":\"2025-09-18 10:10:00.000\",\"scheduled_time\":\"2025-09-18 10:10:00.100\"},"
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
     * Creates {@code spec}, queries the result and lists the account's tasks through a client of a fresh stand-in.
     */
    public static Rehearsed run(VideoSpec spec) {
        try (StandIn standIn = StandIn.open()) {
            DashScopeClient client = standIn.upstream();
            String id = client.create(spec);
            UpstreamTask task = client.query(id);
            Instant now = Instant.now();
            TaskListing listed = client.listTasks(now.minusSeconds(600), now, 1);
            return new Rehearsed(task.state(), listed);
        }
    }

    /**
     * A stand-in for DashScope on a loopback port of this process, answering in DashScope's shapes until closed (a
     * create as accepted; a query of {@link #RUNNING_TASK} as running, of any other task as finished with a video; a
     * listing as one finished task), one request per connection. Its client, account {@code priming}, is the one
     * DashScope client that may call inside a {@link io.wanvideo.gateway.config.DryRun}, so priming can run a task's
     * whole path through the services with its AWS calls answered on the spot.
     */
    public static final class StandIn implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;
        private final DashScopeClient client;
        private final List<String> answered = new CopyOnWriteArrayList<>();

        private StandIn(ServerSocket server) {
            this.server = server;
            this.client = DashScopeClient.ofStandIn("priming", URI.create("http://127.0.0.1:" + server.getLocalPort()),
                    Clock.systemUTC());
            this.thread = new Thread(this::serve, "dashscope-rehearsal");
            thread.setDaemon(true);
            thread.start();
        }

        public static StandIn open() {
            try {
                return new StandIn(new ServerSocket(0, 4, InetAddress.getLoopbackAddress()));
            } catch (IOException e) {
                throw new IllegalStateException("the loopback rehearsal could not listen", e);
            }
        }

        /** The client of this stand-in (its account: {@code priming}). */
        public DashScopeClient upstream() {
            return client;
        }

        /** The request lines answered so far, in order. */
        public List<String> answered() {
            return List.copyOf(answered);
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    socket.setSoTimeout(5_000);
                    String head = readRequest(socket.getInputStream());
                    String line = head.substring(0, head.indexOf("\r\n"));
                    String body = line.startsWith("POST") ? CREATED
                            : line.startsWith("GET " + DashScopeClient.LIST_PATH + "?") ? LISTED
                            : line.startsWith("GET " + DashScopeClient.TASKS_PATH + RUNNING_TASK + " ") ? RUNNING : SUCCEEDED;
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes);
                    out.flush();
                    answered.add(line);
                } catch (IOException e) {
                    // Closed (the rehearsal is over), or a call that broke off: its client's call then fails loudly.
                }
            }
        }

        @Override
        public void close() {
            try {
                server.close();
                thread.join(5_000);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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

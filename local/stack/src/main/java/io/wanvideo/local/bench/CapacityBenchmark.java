package io.wanvideo.local.bench;

import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.local.LocalGateway;
import io.wanvideo.local.LocalOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What one video costs the gateway in AWS terms (README, "Capacity and cost"): real tasks through the local stack
 * for each model's typical run, counting per task the DynamoDB read and write capacity units (as DynamoDB Local
 * reports them to ReturnConsumedCapacity=INDEXES), SQS requests and messages, S3 requests and Lambda invocations,
 * then pricing them at us-east-1 on-demand list prices beside what DashScope charges for the same videos.
 *
 * <p>Each model gets its own stack and simulator, run side by side: the simulator takes 0.6-1.6 x the model's
 * median generation time (DashScopeTimeTable) and the poller plans its queries for that median with the table's
 * spread, as in AWS. The tasks are submitted one after another, as fast as they are answered, to 5 slots, so most
 * wait in the backlog first. Counted apart: one status lookup per task after the tasks end, and one sweep (a fixed
 * cost per minute, not per task). The completion watcher lists as the local stack's default has it; with {@code events}
 * the simulator also pushes each task's completion event (COMPLETION_EVENTS=true: README, "Completion events"), and
 * the listing falls back to its sparse cadence.
 * Run: {@code ./bench capacity [tasksPerModel=10] [events]}.
 */
public final class CapacityBenchmark {
    /** A model's typical request: 5 s at 720P, the defaults, with the one image each family needs. */
    private record Workload(String model, String body, double medianSeconds, double usdPerSecond) {}

    private static final List<Workload> WORKLOADS = List.of(
            new Workload("wan2.7-r2v", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"capacity %d\",\"size\":\"720P\",\"seconds\":\"5\","
                    + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/%d.png\"}]}", 120, 0.10),
            new Workload("wan2.7-i2v", "{\"model\":\"wan2.7-i2v\",\"prompt\":\"capacity %d\",\"size\":\"720P\",\"seconds\":\"5\","
                    + "\"media\":[{\"type\":\"first_frame\",\"url\":\"https://example.com/%d.png\"}]}", 90, 0.10));

    /** us-east-1 on-demand list prices in USD, as the README states them. */
    static final double DYNAMO_PER_MILLION_WRITE_UNITS = 0.625;
    static final double DYNAMO_PER_MILLION_READ_UNITS = 0.125;
    static final double SQS_PER_MILLION_REQUESTS = 0.40;
    static final double LAMBDA_PER_MILLION_REQUESTS = 0.20;
    static final double LAMBDA_ARM_PER_GB_SECOND = 0.0000133334;
    static final double LAMBDA_MEMORY_GB = 1.0;
    static final double HTTP_API_PER_MILLION_REQUESTS = 1.00;
    static final double S3_PER_THOUSAND_WRITES = 0.005;
    static final double S3_PER_THOUSAND_READS = 0.0004;

    private record Run(Workload workload, int tasks, CapacityMeter.Tally work, CapacityMeter.Tally status,
            CapacityMeter.Tally sweep, double submitMs, double statusMs, double dashScopeUsd, double billedSeconds,
            double meanRunSeconds, int failures, int creates, int queries, int listings, int events) {

        /** The median poller invocation, in ms (local wall time). */
        double pollerMs() {
            return median(work.pollerMillis.stream().mapToDouble(Long::doubleValue).toArray());
        }
    }

    public static void main(String[] args) throws Exception {
        if (!meterRegistered()) {
            relaunchWithMeter(args);
            return;
        }
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        boolean events = args.length > 1 && args[1].equals("events");
        System.out.printf("Capacity: %d tasks per model submitted one after another to 5 slots, one stack per model side by side; "
                + "completion watcher on%s%n", tasks, events ? ", behind pushed completion events" : "");
        // Threads of their own: each marks itself uncounted, which a pool's thread would carry into others' work.
        ExecutorService stacks = Executors.newFixedThreadPool(WORKLOADS.size());
        List<CompletableFuture<Run>> runs = new ArrayList<>();
        for (Workload w : WORKLOADS) {
            runs.add(CompletableFuture.supplyAsync(() -> run(w, tasks, events), stacks));
        }
        List<Run> done = runs.stream().map(CompletableFuture::join).toList();
        stacks.shutdown();
        for (Run r : done) {
            print(r);
        }
        printCosts(done);
    }

    private static boolean meterRegistered() throws java.io.IOException {
        var files = CapacityBenchmark.class.getClassLoader().getResources("software/amazon/awssdk/global/handlers/execution.interceptors");
        while (files.hasMoreElements()) {
            try (var in = files.nextElement().openStream()) {
                if (new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).contains(CapacityMeter.class.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The SDK reads its global interceptors from the class path: start again with the registration on it. */
    private static void relaunchWithMeter(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("capacity-meter");
        Path handlers = Files.createDirectories(dir.resolve("software/amazon/awssdk/global/handlers"));
        Files.writeString(handlers.resolve("execution.interceptors"), CapacityMeter.class.getName() + "\n");
        try {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.addAll(List.of("-cp", dir + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                    CapacityBenchmark.class.getName()));
            command.addAll(List.of(args));
            int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (exit != 0) {
                System.exit(exit);
            }
        } finally {
            Files.deleteIfExists(handlers.resolve("execution.interceptors"));
        }
    }

    private static Run run(Workload w, int count, boolean events) {
        double median = w.medianSeconds();
        SimulatorSettings sim = SimulatorSettings.defaults().withTiming(0, 0.6 * median, 1.6 * median);
        Map<String, String> env = Map.of("SLOTS_PER_MODEL", "5", "TENANT_SUBMITS_PER_MINUTE", Integer.toString(Math.max(120, count)),
                // As in AWS: the poll plan for the model's median and the table's spread, not the simulator's range.
                "EXPECTED_GENERATION_SECONDS", Double.toString(median), "GENERATION_TIME_SIGMA", "0.4",
                "COMPLETION_EVENTS", Boolean.toString(events));
        LocalOptions base = LocalOptions.forTests(sim, env);
        // No timed sweep during the run: one is measured on its own at the end.
        LocalOptions options = new LocalOptions(base.port(), base.simulatorPort(), null, base.apiKeys(), null, null, sim,
                base.pollerConcurrency(), base.batchSize(), Duration.ofHours(1), base.retryFailedAfter(), false, env, Map.of());
        CapacityMeter.uncounted();
        try (LocalGateway gateway = LocalGateway.start(options)) {
            Map<String, String> fn = gateway.functionEnvironment();
            List<Integer> ports = List.of(port(fn, "AWS_ENDPOINT_URL_DYNAMODB"), port(fn, "AWS_ENDPOINT_URL_SQS"),
                    port(fn, "AWS_ENDPOINT_URL_S3"));
            String queueUrl = fn.get("QUEUE_URL");
            // The start-up recovery message is the stack's, not the tasks'.
            awaitQueueEmpty(gateway, queueUrl);
            DynamoTaskStore store = new DynamoTaskStore(gateway.dynamo(), fn.get("TABLE_NAME"), Duration.ofDays(1));
            HttpClient http = HttpClient.newHttpClient();

            CapacityMeter.Tally work = CapacityMeter.count(ports);
            // One after another, as fast as they answer: the backlog forms all the same, and each submit's latency is
            // its own (the median leaves out the first, which loads the path).
            double[] submitMs = new double[count];
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String body = String.format(w.body(), i, i);
                long t0 = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(gateway.url().resolve("/v1/videos"))
                        .header("Authorization", "Bearer " + LocalOptions.DEVELOPMENT_KEY)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                submitMs[i] = (System.nanoTime() - t0) / 1e6;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
                }
                ids.add(Json.tree(r.body()).get("id").asText());
            }
            List<VideoTask> ended = new ArrayList<>();
            for (String id : ids) {
                VideoTask task;
                while (!(task = store.find(id).orElseThrow()).state().terminal()) {
                    Thread.sleep(500);
                }
                ended.add(task);
            }
            // After-completion steps (result copies) are still the task's.
            awaitQueueEmpty(gateway, queueUrl);

            CapacityMeter.Tally status = CapacityMeter.count(ports);
            double[] statusMs = new double[count];
            for (int i = 0; i < count; i++) {
                String id = ids.get(i);
                long t0 = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(gateway.url().resolve("/v1/videos/" + id))
                        .header("Authorization", "Bearer " + LocalOptions.DEVELOPMENT_KEY).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                statusMs[i] = (System.nanoTime() - t0) / 1e6;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("status answered " + r.statusCode() + ": " + r.body());
                }
            }

            CapacityMeter.Tally sweep = CapacityMeter.count(ports);
            gateway.sqs().sendMessage(m -> m.queueUrl(queueUrl).messageBody(Json.write(TaskMessage.sweep())));
            // The benchmark's own send is not the sweep's cost; the schedule's send is one request.
            awaitQueueEmpty(gateway, queueUrl);
            CapacityMeter.count(ports);

            double cost = 0;
            double billed = 0;
            double runSum = 0;
            int failures = 0;
            for (VideoTask t : ended) {
                if (t.state() != TaskState.COMPLETED) {
                    failures++;
                    continue;
                }
                if (t.usage() != null) {
                    billed += t.usage().billedSeconds();
                    cost += t.usage().cost() == null ? 0 : t.usage().cost();
                }
            }
            for (Map<String, Object> up : gateway.simulator().tasks()) {
                runSum += (((Number) up.get("end_ms")).longValue() - ((Number) up.get("start_ms")).longValue()) / 1000.0;
            }
            var upstream = gateway.simulator().stats();
            return new Run(w, count, work, status, sweep, median(submitMs), median(statusMs),
                    cost, billed, runSum / Math.max(1, gateway.simulator().tasks().size()), failures,
                    upstream.get("create_calls").asInt(), upstream.get("query_calls").asInt(), upstream.get("list_calls").asInt(),
                    upstream.get("events_sent").asInt());
        } catch (Exception e) {
            throw new IllegalStateException(w.model() + ": " + e, e);
        }
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static int port(Map<String, String> env, String name) {
        return URI.create(env.get(name)).getPort();
    }

    /** Until the poll queue holds nothing, visible, in flight or delayed, on two looks a second apart. */
    private static void awaitQueueEmpty(LocalGateway gateway, String queueUrl) throws InterruptedException {
        int quiet = 0;
        while (quiet < 2) {
            Map<QueueAttributeName, String> a = gateway.sqs().getQueueAttributes(g -> g.queueUrl(queueUrl).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
            boolean empty = a.values().stream().allMatch("0"::equals);
            quiet = empty ? quiet + 1 : 0;
            Thread.sleep(1000);
        }
    }

    private static void print(Run r) {
        int n = r.tasks();
        CapacityMeter.Tally t = r.work();
        System.out.printf("%n%s: %d tasks, %d failed, mean run %.0f s (simulated), DashScope %.1f billed s and $%.4f per video%n",
                r.workload().model(), n, r.failures(), r.meanRunSeconds(), r.billedSeconds() / n, r.dashScopeUsd() / n);
        System.out.printf("  per task                         %10s %10s %10s%n", "task", "status", "sweep");
        System.out.printf("  DynamoDB write units (WCU)       %10.2f %10.2f %10.2f%n", t.writeUnits() / n, r.status().writeUnits() / n,
                r.sweep().writeUnits());
        System.out.printf("  DynamoDB read units (RCU)        %10.2f %10.2f %10.2f%n", t.readUnits() / n, r.status().readUnits() / n,
                r.sweep().readUnits());
        System.out.printf("  DynamoDB requests                %10.2f %10.2f %10d%n", t.requestsOf("DynamoDb") / (double) n,
                r.status().requestsOf("DynamoDb") / (double) n, r.sweep().requestsOf("DynamoDb"));
        System.out.printf("  SQS requests                     %10.2f %10.2f %10d%n", sqsRequests(t) / (double) n,
                sqsRequests(r.status()) / (double) n, sqsRequests(r.sweep()) + 1);
        System.out.printf("  SQS messages sent/recv/deleted   %10s %10s %10s%n",
                String.format("%.1f/%.1f/%.1f", t.messagesSent.sum() / (double) n, t.messagesReceived.sum() / (double) n,
                        t.messagesDeleted.sum() / (double) n), "0/0/0",
                String.format("%d/%d/%d", r.sweep().messagesSent.sum() + 1, r.sweep().messagesReceived.sum(), r.sweep().messagesDeleted.sum()));
        System.out.printf("  S3 requests                      %10.2f %10.2f %10d%n", t.requestsOf("S3") / (double) n,
                r.status().requestsOf("S3") / (double) n, r.sweep().requestsOf("S3"));
        // A completion event is one more request through the HTTP API to the submit function.
        System.out.printf("  Lambda: submit / status          %10.2f %10.2f %10s%n", 1.0 + r.events() / (double) n, 1.0, "-");
        System.out.printf("  Lambda: poller invocations       %10.2f %10s %10d%n", t.batches.sum() / (double) n, "-", r.sweep().batches.sum());
        System.out.printf("  upstream calls: creates, queries %10.2f %10.2f   (and the account's listings, %d in all: %.2f per task)%n",
                r.creates() / (double) n, r.queries() / (double) n, r.listings(), r.listings() / (double) n);
        if (r.events() > 0) {
            System.out.printf("  completion events pushed         %10.2f%n", r.events() / (double) n);
        }
        System.out.printf("  median ms: poller invocation %.0f (max %d), submit %.0f, status %.0f (local wall time)%n", r.pollerMs(),
                t.pollerMillis.stream().mapToLong(Long::longValue).max().orElse(0), r.submitMs(), r.statusMs());
        System.out.printf("  item writes per task by kind:    %s%n", perTask(t.itemWrites, n));
        System.out.printf("  item reads per task by kind:     %s%n", perTask(t.itemReads, n));
        System.out.printf("  write units per task by request: %s%n", unitsPerTask(t.writeUnits, n));
        System.out.printf("  read units per task by request:  %s%n", unitsPerTask(t.readUnits, n));
        System.out.printf("  DynamoDB requests per task:      %s%n", perTask(t.requests, n, "DynamoDb:"));
        System.out.printf("  status lookup requests:          %s%n", perTask(r.status().requests, n, "DynamoDb:"));
        System.out.printf("  SQS requests per task:           %s%n", perTask(t.requests, n, "Sqs:"));
        if (!t.failed.isEmpty()) {
            System.out.printf("  refused (condition or transaction; not in the units above): %s%n", perTask(t.failed, n));
        }
        System.out.printf("  (empty receives of the local event source, not billed as Lambda's: %d)%n", t.emptyReceives.sum());
    }

    private static String unitsPerTask(Map<String, java.util.concurrent.atomic.DoubleAdder> units, int n) {
        Map<String, Double> sorted = new TreeMap<>();
        units.forEach((k, v) -> {
            if (v.sum() > 0) {
                sorted.put(k.substring(k.indexOf(':') + 1), v.sum() / n);
            }
        });
        StringBuilder b = new StringBuilder();
        sorted.forEach((k, v) -> b.append(String.format("%s %.2f, ", k, v)));
        return b.isEmpty() ? "none" : b.substring(0, b.length() - 2);
    }

    private static long sqsRequests(CapacityMeter.Tally t) {
        // ReceiveMessage that came back empty is the local event source's 1 s polling; Lambda's pollers long-poll.
        return t.requestsOf("Sqs") - t.emptyReceives.sum();
    }

    private static String perTask(Map<String, LongAdder> counts, int n) {
        return perTask(counts, n, "");
    }

    private static String perTask(Map<String, LongAdder> counts, int n, String prefix) {
        Map<String, Double> sorted = new TreeMap<>();
        counts.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                sorted.put(k.substring(prefix.length()), v.sum() / (double) n);
            }
        });
        StringBuilder b = new StringBuilder();
        sorted.forEach((k, v) -> b.append(String.format("%s %.2f, ", k, v)));
        return b.isEmpty() ? "none" : b.substring(0, b.length() - 2);
    }

    private static void printCosts(List<Run> runs) {
        System.out.printf("%nAWS cost per 1,000 videos (us-east-1 on-demand: DynamoDB $%.3f/M write units, $%.3f/M read units; "
                + "SQS $%.2f/M requests; Lambda $%.2f/M requests + $%.10f/GB-s arm64 at %.0f GB; HTTP API $%.2f/M; "
                + "S3 $%.4f/1k writes, $%.4f/1k reads), one status lookup per video:%n",
                DYNAMO_PER_MILLION_WRITE_UNITS, DYNAMO_PER_MILLION_READ_UNITS, SQS_PER_MILLION_REQUESTS, LAMBDA_PER_MILLION_REQUESTS,
                LAMBDA_ARM_PER_GB_SECOND, LAMBDA_MEMORY_GB, HTTP_API_PER_MILLION_REQUESTS, S3_PER_THOUSAND_WRITES, S3_PER_THOUSAND_READS);
        System.out.printf("  %-12s %9s %9s %9s %9s %9s %9s %10s %12s%n", "model", "DynamoDB", "SQS", "Lambda", "HTTP API", "S3",
                "AWS", "DashScope", "AWS share");
        for (Run r : runs) {
            double n = r.tasks();
            CapacityMeter.Tally t = r.work();
            CapacityMeter.Tally s = r.status();
            double dynamo = ((t.writeUnits() + s.writeUnits()) * DYNAMO_PER_MILLION_WRITE_UNITS
                    + (t.readUnits() + s.readUnits()) * DYNAMO_PER_MILLION_READ_UNITS) / 1e6 / n * 1000;
            double sqs = (sqsRequests(t) + sqsRequests(s)) * SQS_PER_MILLION_REQUESTS / 1e6 / n * 1000;
            double invocations = 2 * n + t.batches.sum() + r.events();
            // Billed duration from the median local invocations (an upper bound: a loaded 2-core machine, two stacks); an
            // event's invocation at the submit's median, which it is well under (a token check and one SQS send).
            double gbSeconds = (r.pollerMs() * t.batches.sum() + (r.submitMs() + r.statusMs()) * n + r.submitMs() * r.events())
                    / 1000.0 * LAMBDA_MEMORY_GB;
            double lambda = (invocations * LAMBDA_PER_MILLION_REQUESTS / 1e6 + gbSeconds * LAMBDA_ARM_PER_GB_SECOND) / n * 1000;
            double api = (2 + r.events() / n) * HTTP_API_PER_MILLION_REQUESTS / 1e6 * 1000;
            double s3 = (s3Writes(t) + s3Writes(s)) * S3_PER_THOUSAND_WRITES / 1000 / n * 1000
                    + (s3Reads(t) + s3Reads(s)) * S3_PER_THOUSAND_READS / 1000 / n * 1000;
            double aws = dynamo + sqs + lambda + api + s3;
            double dashScope = r.dashScopeUsd() / n * 1000;
            System.out.printf("  %-12s %9.4f %9.4f %9.4f %9.4f %9.4f %9.4f %10.2f %11.3f%%%n", r.workload().model(), dynamo, sqs,
                    lambda, api, s3, aws, dashScope, 100 * aws / dashScope);
        }
    }

    private static long s3Writes(CapacityMeter.Tally t) {
        return t.requests.entrySet().stream().filter(e -> e.getKey().startsWith("S3:") && !e.getKey().matches("S3:(Get|Head).*"))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    private static long s3Reads(CapacityMeter.Tally t) {
        return t.requests.entrySet().stream().filter(e -> e.getKey().matches("S3:(Get|Head).*"))
                .mapToLong(e -> e.getValue().sum()).sum();
    }
}

package io.wanvideo.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.dashscope.simulator.DashScopeSimulator;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.config.DynamoDbClients;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.S3Clients;
import io.wanvideo.gateway.config.SqsClients;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.store.dynamodb.TaskTable;
import io.wanvideo.gateway.upstream.AccountLimits;
import io.wanvideo.gateway.upstream.dashscope.DashScopeClient;
import io.wanvideo.local.embedded.LocalDynamoDb;
import io.wanvideo.local.embedded.LocalS3;
import io.wanvideo.local.embedded.LocalSqs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Cold start of each function as Lambda runs it (README, "Cold start"): its shaded jar alone in a fresh JVM with the
 * template's JIT setting (C1 only), its handler built by the no-argument constructor and invoked with its sample
 * event against DynamoDB Local, ElasticMQ and S3Proxy (and the DashScope simulator, where the poller's sample creates its task).
 *
 * <p>Three kinds of run per function, in shuffled order within each round: <b>cold</b> (init, then the first and a
 * second invocation: a cold start without SnapStart), <b>primed</b> (init, the SnapStart hooks as Lambda runs them
 * around a snapshot, then the first invocation: what a restored copy serves), and the <b>floor</b>: a fresh JVM on
 * the same jar that builds the same SDK clients and makes the same AWS calls, and nothing else, then makes them
 * again. An untimed recording run first checks that the floor's calls are the function's. Every run gets a fresh
 * table and queues holding the same data. Reports medians: init + first against the floor's start + calls, the
 * primed first invocation against the floor's repeated calls.
 *
 * <p>Run from the repository root: {@code ./bench coldstart [rounds=11]}.
 */
public final class ColdStartBenchmark {
    static final String TASK_ID = "video_01kaexamp1e000000000000000";
    private static final String API_KEY_HEADER = "authorization";
    private static final AtomicInteger RUNS = new AtomicInteger();
    /** -Dcoldstart.classes=true: the classes each phase loads, by package; =list: by name; unset or false: neither. */
    private static final String CLASSES = "false".equals(System.getProperty("coldstart.classes", "false")) ? null
            : System.getProperty("coldstart.classes");

    /** The running task of the poller's one-poll sample (events/poller-poll.json), and the version its message names. */
    static final String POLLED_TASK_ID = "video_01kaexamp1e0000000000000p1";
    static final long POLLED_TASK_VERSION = 3;

    /** @param module the function's Maven module, whose jar runs; @param name the row (one module may have two samples) */
    record Function(String name, String module, String handler, String event, double primedTargetMs) {}

    private static final String POLLER = "io.wanvideo.gateway.functions.poller.SqsPollVideoTasksHandler";
    private static final String POLL = "poller-poll";
    static final List<Function> FUNCTIONS = List.of(
            new Function("submit", "submit", "io.wanvideo.gateway.functions.submit.ApiGatewaySubmitVideoHandler", "events/submit-r2v.json", 50),
            new Function("status", "status", "io.wanvideo.gateway.functions.status.ApiGatewayGetVideoHandler", "events/get-video.json", 50),
            // Its sample batch: a task arriving, taking a slot and created upstream, beside a sweep.
            new Function("poller", "poller", POLLER, "events/poller-batch.json", 100),
            // Its most common message without the completion watcher: one poll of a task running upstream.
            new Function(POLL, "poller", POLLER, "events/poller-poll.json", 100));

    /** One probe JVM's marks (ms since the launch) and outcome. */
    record Run(Map<String, Double> marks, List<String> results, List<String> calls, List<String> output) {
        double at(String mark) {
            Double ms = marks.get(mark);
            if (ms == null) {
                throw new IllegalStateException("the probe never reached '" + mark + "':\n" + String.join("\n", output));
            }
            return ms;
        }
    }

    private final Path root;
    private final Path work;
    private final LocalDynamoDb dynamoServer;
    private final LocalSqs sqsServer;
    private final LocalS3 s3Server;
    private final DashScopeSimulator sim;
    private final DynamoDbClient dynamo;
    private final SqsClient sqs;
    private final String bucket;

    private ColdStartBenchmark(Path root) throws IOException {
        this.root = root;
        this.work = Files.createTempDirectory("coldstart");
        dynamoServer = LocalDynamoDb.start();
        sqsServer = LocalSqs.start();
        s3Server = LocalS3.start();
        sim = DashScopeSimulator.start(SimulatorSettings.defaults());
        Env env = new Env(endpoints());
        dynamo = DynamoDbClients.create(env);
        sqs = SqsClients.create(env);
        bucket = "media-coldstart";
        S3Clients.create(env).createBucket(b -> b.bucket(bucket));
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        Path root = Path.of("").toAbsolutePath();
        if (!Files.isExecutable(root.resolve("bench"))) {
            throw new IllegalStateException("run from the repository root");
        }
        ColdStartBenchmark bench = new ColdStartBenchmark(root);
        try {
            bench.run(rounds);
        } finally {
            bench.close();
        }
        System.exit(0);
    }

    private Map<String, String> endpoints() {
        return Map.of("AWS_ENDPOINT_URL_DYNAMODB", dynamoServer.endpoint().toString(),
                "AWS_ENDPOINT_URL_SQS", sqsServer.endpoint().toString(),
                "AWS_ENDPOINT_URL_S3", s3Server.endpoint().toString(),
                "AWS_REGION", "us-east-1");
    }

    private void close() {
        sim.close();
        s3Server.close();
        sqsServer.close();
        dynamoServer.close();
    }

    private void run(int rounds) throws Exception {
        System.out.printf("Cold start: each function's jar alone in a fresh JVM (%s), %d rounds of shuffled runs%n",
                String.join(" ", jvmFlags()), rounds);
        for (Function f : functions()) {
            Run recorded = probe(f, "cold", true);
            Run floor = probe(f, "floor", true);
            if (Boolean.getBoolean("coldstart.show")) {
                // -Dcoldstart.show=true: what the function printed, log lines included.
                recorded.output().forEach(line -> System.out.println("    | " + line));
            }
            if (CLASSES != null) {
                // -Dcoldstart.classes=true: classes loaded in each phase, and where those of the primed first invocation come from.
                Run primed = probe(f, "primed", true);
                System.out.printf("  %s classes loaded: init %d, first invocation %d; primed: hooks %d, first invocation after them %d%n",
                        f.name(), classes(recorded, null, "init"), classes(recorded, "init", "first"),
                        classes(primed, "init", "restore"), classes(primed, "restore", "first"));
                primed.output().stream().dropWhile(l -> !l.startsWith("@probe restore")).takeWhile(l -> !l.startsWith("@probe first"))
                        .filter(l -> l.contains("[class,load]")).map(l -> l.replaceAll(".*\\[class,load\\] ([^ ]+) .*", "$1"))
                        .map(c -> CLASSES.equals("list") ? c : c.replaceAll("\\.[^.]*$", "")).collect(java.util.stream.Collectors.groupingBy(c -> c,
                                TreeMap::new, java.util.stream.Collectors.counting()))
                        .forEach((pkg, n) -> System.out.printf("      %4d %s%n", n, pkg));
            }
            if (CLASSES != null) {
                // What the function loads up to its first answer beyond what the floor loads up to its calls, by package.
                Run floorClasses = probe(f, "floor", true);
                Map<String, Long> extra = new TreeMap<>(packages(recorded, "first"));
                packages(floorClasses, "calls").forEach((pkg, n) -> extra.merge(pkg, -n, Long::sum));
                System.out.printf("  %s loads %d classes to its first answer, the floor %d to its calls; the difference by package:%n",
                        f.name(), classes(recorded, null, "first"), classes(floorClasses, null, "calls"));
                extra.entrySet().stream().filter(e -> e.getValue() >= 8).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .forEach(e -> System.out.printf("      %+5d %s%n", e.getValue(), e.getKey()));
            }
            List<String> first = firstInvocationCalls(recorded);
            List<String> floorCalls = floor.calls().subList(0, floor.calls().size() / 2);
            System.out.printf("  %s: sample answers %s%n", f.name(), recorded.results());
            Map<String, Long> ours = counts(first);
            Map<String, Long> floors = counts(floorCalls);
            System.out.printf("  %s: AWS calls of its first invocation %s; the floor's %s%n", f.name(), ours, floors);
            if (Boolean.getBoolean("coldstart.calls")) {
                // -Dcoldstart.calls=true: the first invocation's AWS calls in order, with what each reads or writes.
                first.forEach(c -> System.out.println("      " + c));
            }
            // The same operations on the same kinds of item (the index a query reads, what a batch reads); their
            // numbers may differ by a read or two where the poller's workers race each other over the indexes (which
            // of two parallel fills sees a claim first), and by the fair share's update when the loser of that race
            // finds its tenant's backlog already empty.
            Map<String, Long> oursByItem = counts(first, true);
            Map<String, Long> floorsByItem = counts(floorCalls, true);
            boolean same = oursByItem.keySet().equals(floorsByItem.keySet()) && oursByItem.entrySet().stream().allMatch(e ->
                    Math.abs(e.getValue() - floorsByItem.get(e.getKey())) <= tolerance(e.getKey()));
            if (!same) {
                throw new IllegalStateException(f.name() + ": the floor makes " + floors + ", not the function's " + ours
                        + "\n  the function's, in order:\n    " + String.join("\n    ", first)
                        + "\n  the floor's, in order:\n    " + String.join("\n    ", floorCalls));
            }
        }
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        Random shuffle = new Random(42);
        for (int round = 1; round <= rounds; round++) {
            List<String[]> order = new ArrayList<>();
            for (Function f : functions()) {
                for (String kind : List.of("cold", "primed", "floor")) {
                    order.add(new String[] {f.name(), kind});
                }
            }
            Collections.shuffle(order, shuffle);
            for (String[] run : order) {
                Function f = FUNCTIONS.stream().filter(x -> x.name().equals(run[0])).findFirst().orElseThrow();
                runs.computeIfAbsent(run[0] + "/" + run[1], k -> new ArrayList<>()).add(probe(f, run[1], false));
            }
            System.out.printf("  round %d of %d done%n", round, rounds);
        }
        report(runs, rounds);
    }

    /** The rows to measure: all, or those named by {@code -Dcoldstart.only=poller-poll,submit}. */
    static List<Function> functions() {
        String only = System.getProperty("coldstart.only", "");
        if (only.isBlank()) {
            return FUNCTIONS;
        }
        List<String> names = List.of(only.split(","));
        List<Function> chosen = FUNCTIONS.stream().filter(f -> names.contains(f.name())).toList();
        if (chosen.size() != names.size()) {
            throw new IllegalArgumentException("-Dcoldstart.only names rows of " + FUNCTIONS.stream().map(Function::name).toList());
        }
        return chosen;
    }

    private static int tolerance(String call) {
        return call.matches("DynamoDb:(Query|BatchGetItem) .*") ? 2 : call.equals("DynamoDb:UpdateItem fair#") ? 1 : 0;
    }

    private static Map<String, Long> counts(List<String> calls) {
        return counts(calls, false);
    }

    /** Calls by operation, or by operation and the kind of item it touches. */
    private static Map<String, Long> counts(List<String> calls, boolean byItem) {
        return calls.stream().collect(java.util.stream.Collectors.groupingBy(c -> byItem ? c : c.split(" ", 2)[0], TreeMap::new,
                java.util.stream.Collectors.counting()));
    }

    private static Map<String, Long> packages(Run run, String to) {
        return run.output().stream().takeWhile(l -> !l.startsWith("@probe " + to)).filter(l -> l.contains("[class,load]"))
                .map(l -> l.replaceAll(".*\\[class,load\\] ([^ ]+) .*", "$1").replaceAll("\\.[^.]*$", ""))
                .collect(java.util.stream.Collectors.groupingBy(c -> c.split(" ", 2)[0], TreeMap::new, java.util.stream.Collectors.counting()));
    }

    private static long classes(Run run, String from, String to) {
        boolean in = from == null;
        long n = 0;
        for (String line : run.output()) {
            if (from != null && line.startsWith("@probe " + from)) {
                in = true;
            } else if (line.startsWith("@probe " + to)) {
                break;
            } else if (in && line.contains("[class,load]")) {
                n++;
            }
        }
        return n;
    }

    /** The calls made between init and the first invocation's end (the probe prints marks and calls in order). */
    private static List<String> firstInvocationCalls(Run run) {
        List<String> calls = new ArrayList<>();
        boolean inFirst = false;
        for (String line : run.output()) {
            if (line.startsWith("@probe init")) {
                inFirst = true;
            } else if (line.startsWith("@probe first")) {
                break;
            } else if (inFirst && line.startsWith("@call ")) {
                calls.add(line.substring(6));
            }
        }
        return calls;
    }

    private void report(Map<String, List<Run>> runs, int rounds) {
        System.out.println();
        System.out.printf("Medians of %d rounds, ms. init: JVM launch to handler built; first: the first invocation; "
                + "floor: JVM launch to the same clients built and the same AWS calls made (then made again: warm)%n", rounds);
        System.out.println("| function | init | first | init + first | floor | ratio (target <= 1.5) | after priming | floor, calls again "
                + "| ratio | target | warm invoke | jar |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        boolean met = true;
        for (Function f : functions()) {
            List<Run> cold = runs.get(f.name() + "/cold");
            List<Run> primed = runs.get(f.name() + "/primed");
            List<Run> floor = runs.get(f.name() + "/floor");
            double init = median(cold, r -> r.at("init"));
            double first = median(cold, r -> r.at("first") - r.at("init"));
            double total = median(cold, r -> r.at("first"));
            double floorTotal = median(floor, r -> r.at("calls"));
            double afterPriming = median(primed, r -> r.at("first") - r.at("restore"));
            double floorAgain = median(floor, r -> r.at("again") - r.at("calls"));
            double warm = median(cold, r -> r.at("second") - r.at("first"));
            double ratio = total / floorTotal;
            boolean ok = ratio <= 1.5 && afterPriming < f.primedTargetMs();
            met &= ok;
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | **%.2f** | **%.0f** | %.0f | %.1f | < %.0f ms | %.0f | %.1f MB |%n",
                    f.name(), init, first, total, floorTotal, ratio, afterPriming, floorAgain, afterPriming / floorAgain,
                    f.primedTargetMs(), warm, jarSize(f) / 1e6);
        }
        System.out.println();
        for (Function f : functions()) {
            List<Run> primed = runs.get(f.name() + "/primed");
            System.out.printf(Locale.ROOT, "  %s: before-checkpoint hooks (priming) %.0f ms, after-restore hooks %.1f ms, "
                            + "floor's JVM start to main %.0f ms, clients built %.0f ms%n", f.name(),
                    median(primed, r -> r.at("checkpoint") - r.at("init")), median(primed, r -> r.at("restore") - r.at("checkpoint")),
                    median(runs.get(f.name() + "/floor"), r -> r.at("main")),
                    median(runs.get(f.name() + "/floor"), r -> r.at("clients") - r.at("main")));
        }
        System.out.println(met ? "All targets met." : "Some targets missed.");
    }

    private long jarSize(Function f) {
        try {
            return Files.size(jar(f));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path jar(Function f) {
        return root.resolve("functions/" + f.module() + "/target/" + f.module() + "-function-lambda.jar");
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
        double[] values = runs.stream().mapToDouble(value).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static List<String> jvmFlags() {
        // The template's JAVA_TOOL_OPTIONS, and the collector Lambda's Java runtime uses.
        return List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    }

    /** One fresh JVM: the function (cold or primed) or its floor, on a fresh table and queues holding the same data. */
    private Run probe(Function f, String kind, boolean record) throws Exception {
        int n = RUNS.incrementAndGet();
        String table = "coldstart-" + n;
        TaskTable.createIfMissing(dynamo, table);
        new DynamoApiKeyStore(dynamo, table).put(ApiKeys.hash(sampleKey()), ApiKeyStore.ApiKeyRecord.of("tenant-example"));
        // Each run starts from nothing at the simulator too: the long tasks seeded by earlier runs would fill its slots.
        sim.reset();
        DynamoTaskStore store = new DynamoTaskStore(dynamo, table, Duration.ofDays(1));
        store.create(VideoTask.queued(TASK_ID, "tenant-example", sampleSpec(), System.currentTimeMillis()), Admission.UNLIMITED);
        if (f.name().equals(POLL)) {
            seedRunningTask(store);
        }
        String dlq = sqs.createQueue(c -> c.queueName("coldstart-dlq-" + n)).queueUrl();
        String dlqArn = sqs.getQueueAttributes(g -> g.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String queue = sqs.createQueue(c -> c.queueName("coldstart-" + n)).queueUrl();
        String queueArn = sqs.getQueueAttributes(g -> g.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);

        Map<String, String> env = new HashMap<>(endpoints());
        env.put("TABLE_NAME", table);
        env.put("QUEUE_URL", queue);
        env.put("DEAD_LETTER_QUEUE_ARN", dlqArn);
        env.put("MEDIA_BUCKET", bucket);
        env.put("DASHSCOPE_BASE_URL", sim.baseUrl());
        env.put("DASHSCOPE_API_KEY", "sk-test");
        // As the template configures the functions' logs.
        env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        env.put("AWS_LAMBDA_LOG_LEVEL", "INFO");
        env.put("AWS_LAMBDA_FUNCTION_NAME", f.name());
        env.put("METRICS_NAMESPACE", "WanVideoGateway/coldstart");
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));

        Path event = writeEvent(f, queueArn, dlqArn);
        String classpath = jar(f) + java.io.File.pathSeparator + root.resolve("local/stack/target/wan-local.jar");
        if (record) {
            Path interceptors = work.resolve("record/software/amazon/awssdk/global/handlers");
            Files.createDirectories(interceptors);
            Files.writeString(interceptors.resolve("execution.interceptors"), ColdStartCalls.class.getName() + "\n");
            classpath += java.io.File.pathSeparator + work.resolve("record");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.add("-Dorg.crac.Core.Compat=io.wanvideo.local.snapstart");
        if (record && CLASSES != null) {
            command.add("-Xlog:class+load=info:stdout");
        }
        command.addAll(List.of("-cp", classpath, ColdStartProbe.class.getName()));
        if (kind.equals("floor")) {
            command.addAll(List.of("floor", f.name(), event.toString()));
        } else {
            command.addAll(List.of("function", f.handler(), event.toString(), kind));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        long launched = System.nanoTime();
        Process process = builder.start();
        Map<String, Double> marks = new TreeMap<>();
        List<String> results = new ArrayList<>();
        List<String> calls = new ArrayList<>();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                output.add(line);
                if (line.startsWith("@probe ")) {
                    String[] parts = line.split(" ");
                    marks.put(parts[1], (Long.parseLong(parts[2]) - launched) / 1e6);
                } else if (line.startsWith("@result ")) {
                    results.add(line.substring(8));
                } else if (line.startsWith("@call ")) {
                    calls.add(line.substring(6));
                }
            }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(f.name() + " " + kind + " did not finish");
        }
        Run run = new Run(marks, results, calls, output);
        if (!kind.equals("floor")) {
            run.at("second");
            for (String result : results) {
                if (!result.equals("200") && !result.equals("failures=0")) {
                    throw new IllegalStateException(f.name() + " " + kind + " answered " + result + ":\n" + String.join("\n", output));
                }
            }
        } else {
            run.at("again");
        }
        return run;
    }

    /**
     * The one-poll sample's task: created at the simulator with a run long enough that the poll finds it running,
     * and recorded RUNNING on the default account with its slot, due now, at the version its message names.
     */
    private void seedRunningTask(DynamoTaskStore store) {
        long now = System.currentTimeMillis();
        VideoTask queued = VideoTask.queued(POLLED_TASK_ID, "tenant-example", sampleSpec(), now);
        store.create(queued, Admission.UNLIMITED);
        VideoTask dispatching = store.claim(queued, queued.next().state(TaskState.DISPATCHING)
                .account("default").dispatchedMs(now).dueMs(now).attempts(0).build(), 5, null);
        // The simulator's directive keeps it running for an hour.
        String upstreamId = DashScopeClient.withKey("default", new DashScopeClient.Settings(java.net.URI.create(sim.baseUrl()),
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5)), AccountLimits.DASHSCOPE, "sk-test",
                java.time.Clock.systemUTC()).create(sampleSpec("a cat sim:run=3600"));
        VideoTask running = store.transition(dispatching, dispatching.next().state(TaskState.RUNNING)
                .upstreamId(upstreamId).submittedMs(now).runOriginMs(now)
                .upstreamState(UpstreamState.RUNNING).dueMs(now).build());
        if (running.version() != POLLED_TASK_VERSION) {
            throw new IllegalStateException("the polled task was seeded at version " + running.version() + ", not its sample's");
        }
    }

    private String sampleKey() throws IOException {
        return sample("events/submit-r2v.json").at("/headers/" + API_KEY_HEADER).asText().substring("Bearer ".length());
    }

    private static io.wanvideo.gateway.model.VideoSpec sampleSpec() {
        return sampleSpec("a cat");
    }

    private static io.wanvideo.gateway.model.VideoSpec sampleSpec(String prompt) {
        JsonNode body;
        try {
            body = Json.tree("{\"model\":\"wan2.7-r2v\",\"prompt\":\"" + prompt + "\",\"media\":[{\"type\":\"reference_image\","
                    + "\"url\":\"https://example.com/cat.png\"}]}");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new io.wanvideo.gateway.validation.VideoRequestValidator(false, url -> java.util.Optional.empty(), 350_000)
                .validate(body);
    }

    private JsonNode sample(String file) throws IOException {
        return Json.tree(Files.readString(root.resolve(file)));
    }

    /** The sample event as flat properties (ColdStartProbe rebuilds it), its queue ARNs those of this run. */
    private Path writeEvent(Function f, String queueArn, String dlqArn) throws IOException {
        JsonNode event = sample(f.event());
        Properties p = new Properties();
        if (event.has("Records")) {
            p.setProperty("kind", "sqs");
            for (int i = 0; i < event.get("Records").size(); i++) {
                JsonNode r = event.get("Records").get(i);
                p.setProperty("record." + i + ".id", r.get("messageId").asText());
                p.setProperty("record." + i + ".body", r.get("body").asText());
                p.setProperty("record." + i + ".arn", r.get("eventSourceARN").asText().endsWith("-dlq") ? dlqArn : queueArn);
            }
        } else {
            p.setProperty("kind", "http");
            p.setProperty("routeKey", event.get("routeKey").asText());
            p.setProperty("rawPath", event.get("rawPath").asText());
            p.setProperty("method", event.at("/requestContext/http/method").asText());
            event.get("headers").fields().forEachRemaining(h -> p.setProperty("header." + h.getKey(), h.getValue().asText()));
            if (event.hasNonNull("pathParameters")) {
                event.get("pathParameters").fields().forEachRemaining(e -> p.setProperty("path." + e.getKey(), e.getValue().asText()));
            }
            if (event.hasNonNull("body")) {
                p.setProperty("body", event.get("body").asText());
            }
        }
        Path file = work.resolve(f.name() + ".properties");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, null);
        }
        return file;
    }

    static String pool() {
        return VideoModel.slotPools().iterator().next();
    }
}

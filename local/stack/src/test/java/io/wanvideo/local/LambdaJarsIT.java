package io.wanvideo.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Repository;
import io.wanvideo.gateway.testing.Specs;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The deployable jars: each carries what its function needs and nothing heavier, and each starts and answers
 * a request, and reaches the object store, when loaded alone, with nothing from this build on its class path,
 * as Lambda loads it.
 */
class LambdaJarsIT {
    private static final List<String> NEVER = List.of("org/apache/http/", "org/apache/hc/", "io/netty/",
            "software/amazon/awssdk/http/apache", "software/amazon/awssdk/http/nio/netty", "software/amazon/dynamodb/services/local/",
            "io/wanvideo/gateway/testing/", "io/wanvideo/dashscope/simulator/", "io/wanvideo/local/", "org/elasticmq/", "org/joda/time/",
            // The S3 SDK's optional native CRT client (tens of MB), and anything of the embedded S3Proxy.
            "software/amazon/awssdk/crt/", "org/gaul/", "org/jclouds/");
    private static final String SQS = "software/amazon/awssdk/services/sqs/";
    private static final String S3 = "software/amazon/awssdk/services/s3/";
    private static final String SECRETS = "software/amazon/awssdk/services/secretsmanager/";
    private static final String SSM = "software/amazon/awssdk/services/ssm/";
    /** The multipart/form-data parser: only submit reads request bodies. */
    private static final String MIME4J = "org/apache/james/mime4j/";
    /** Webhook delivery: only the poller delivers. */
    private static final String JETTY = "org/eclipse/jetty/";
    private static final String SLF4J_TO_LOG4J = "org/apache/logging/slf4j/";

    private static Path jar(String function) {
        return Path.of(Repository.path("functions/" + function + "/target/" + function + "-function-lambda.jar"));
    }

    private static boolean has(JarFile jar, String prefix) {
        return jar.stream().anyMatch(e -> e.getName().startsWith(prefix));
    }

    @Test
    void eachJarCarriesOnlyWhatItsFunctionUses() throws Exception {
        Map<String, List<String>> needs = Map.of("submit", List.of(SQS, S3, MIME4J, SECRETS, SSM, SLF4J_TO_LOG4J),
                "status", List.of(S3, SLF4J_TO_LOG4J), "poller", List.of(SQS, S3, SECRETS, SSM, JETTY, SLF4J_TO_LOG4J));
        for (var entry : needs.entrySet()) {
            try (JarFile jar = new JarFile(jar(entry.getKey()).toFile())) {
                String name = entry.getKey();
                assertThat(has(jar, "software/amazon/awssdk/http/urlconnection/")).as(name).isTrue();
                assertThat(has(jar, "software/amazon/awssdk/services/dynamodb/")).as(name).isTrue();
                for (String forbidden : NEVER) {
                    assertThat(has(jar, forbidden)).as("%s carries %s", name, forbidden).isFalse();
                }
                for (String optional : List.of(SQS, S3, SECRETS, SSM, MIME4J, JETTY, SLF4J_TO_LOG4J)) {
                    assertThat(has(jar, optional)).as("%s and %s", name, optional).isEqualTo(entry.getValue().contains(optional));
                }
                // Logging: Log4j's API and the gateway's JSON-lines provider, no log4j-core (README, "Cold start").
                assertThat(has(jar, "org/apache/logging/log4j/core/")).as(name).isFalse();
                assertThat(new String(jar.getInputStream(jar.getEntry("META-INF/services/org.apache.logging.log4j.spi.Provider"))
                        .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim()).as(name)
                        .isEqualTo("io.wanvideo.gateway.logging.JsonLinesLogging");
                assertThat(has(jar, "org/crac/")).as(name).isTrue();
                assertThat(jar.getEntry("log4j2-test.xml")).as(name).isNull();
            }
            System.out.printf("%s-function-lambda.jar: %.1f MB%n", entry.getKey(), Files.size(jar(entry.getKey())) / 1e6);
        }
    }

    @Test
    void eachJarStartsAloneAndAnswers() throws Exception {
        LocalAws aws = LocalAws.get();
        String table = aws.newTable();
        LocalAws.Queues queues = aws.newQueues(5, 360);
        String key = "sk-wan-example-key-0000";
        new DynamoApiKeyStore(aws.dynamo(), table).put(ApiKeys.hash(key), io.wanvideo.gateway.store.ApiKeyStore.ApiKeyRecord.of("tenant-example"));
        String id = "video_01kaexamp1e000000000000000";
        new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1)).create(VideoTask.queued(id, "tenant-example", Specs.r2v("x"), 1L), io.wanvideo.gateway.store.Admission.UNLIMITED);
        try (var sim = io.wanvideo.dashscope.simulator.DashScopeSimulator.start(
                io.wanvideo.dashscope.simulator.SimulatorSettings.defaults())) {
            Map<String, String> env = new HashMap<>(aws.environment(table, queues, Map.of("DASHSCOPE_BASE_URL", sim.baseUrl(),
                    "DASHSCOPE_API_KEY", "sk-test")));

            Object submitted = invoke("submit", "io.wanvideo.gateway.functions.submit.ApiGatewaySubmitVideoHandler", env,
                    "com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent", Repository.path("events/submit-r2v.json"));
            assertThat(submitted.getClass().getMethod("getStatusCode").invoke(submitted)).isEqualTo(200);
            Object uploaded = invoke("submit", "io.wanvideo.gateway.functions.submit.ApiGatewaySubmitVideoHandler", env,
                    "com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent", Repository.path("events/submit-i2v-form.json"));
            assertThat(uploaded.getClass().getMethod("getStatusCode").invoke(uploaded)).as("a multipart body").isEqualTo(200);

            Object found = invoke("status", "io.wanvideo.gateway.functions.status.ApiGatewayGetVideoHandler", env,
                    "com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent", Repository.path("events/get-video.json"));
            assertThat(found.getClass().getMethod("getStatusCode").invoke(found)).isEqualTo(200);
            assertThat((String) found.getClass().getMethod("getBody").invoke(found)).contains(id);

            Object polled = invoke("poller", "io.wanvideo.gateway.functions.poller.SqsPollVideoTasksHandler", env,
                    "com.amazonaws.services.lambda.runtime.events.SQSEvent", Repository.path("events/poller-batch.json"));
            assertThat((List<?>) polled.getClass().getMethod("getBatchItemFailures").invoke(polled)).isEmpty();
        }
    }

    @Test
    void thePollerJarDeliversAWebhookAloneWithoutSlf4jWarnings() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("webhook-signature"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        URLClassLoader loader = new URLClassLoader(new URL[] {jar("poller").toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Object attempt;
        Object slf4jFactory;
        try {
            Class<?> policy = loader.loadClass("io.wanvideo.gateway.webhook.WebhookTargets$Policy");
            Class<?> targetsType = loader.loadClass("io.wanvideo.gateway.webhook.WebhookTargets");
            Object targets = targetsType.getConstructor(policy).newInstance(enumConstant(policy, "LOCAL"));
            Class<?> secretType = loader.loadClass("io.wanvideo.gateway.webhook.WebhookSecret");
            Object secret = secretType.getMethod("generate").invoke(null);
            Object signed = loader.loadClass("io.wanvideo.gateway.webhook.WebhookSigner")
                    .getMethod("sign", secretType, String.class, long.class, byte[].class)
                    .invoke(null, secret, "evt_jar", System.currentTimeMillis() / 1000, "{}".getBytes(StandardCharsets.UTF_8));
            Class<?> senderType = loader.loadClass("io.wanvideo.gateway.webhook.WebhookSender");
            try (AutoCloseable sender = (AutoCloseable) senderType.getConstructor(targetsType).newInstance(targets)) {
                attempt = senderType.getMethod("deliver", String.class, signed.getClass())
                        .invoke(sender, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", signed);
            }
            slf4jFactory = loader.loadClass("org.slf4j.LoggerFactory").getMethod("getILoggerFactory").invoke(null);
        } finally {
            System.setErr(stderr);
            Thread.currentThread().setContextClassLoader(LambdaJarsIT.class.getClassLoader());
            receiver.stop(0);
            loader.close();
        }
        assertThat(attempt.getClass().getMethod("succeeded").invoke(attempt)).as(attempt.toString()).isEqualTo(true);
        assertThat(received).hasSize(1);
        assertThat(slf4jFactory.getClass().getName()).isEqualTo("org.apache.logging.slf4j.Log4jLoggerFactory");
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("SLF4J");
    }

    /**
     * Each jar, loaded alone, reaches the object store as its function will: stores, presigns, copies from the
     * presigned URL (through the JDK HTTP client and a single PutObject), checks and deletes.
     */
    @Test
    void eachJarReachesTheObjectStoreAlone() throws Exception {
        LocalAws aws = LocalAws.get();
        Map<String, String> env = aws.s3Environment(aws.newBucket());
        HttpClient http = HttpClient.newHttpClient();
        for (String function : List.of("submit", "status", "poller")) {
            try (URLClassLoader loader = new URLClassLoader(new URL[] {jar(function).toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
                Class<?> envType = loader.loadClass("io.wanvideo.gateway.config.Env");
                Object store = loader.loadClass("io.wanvideo.gateway.config.S3Clients").getMethod("objectStore", envType)
                        .invoke(null, envType.getConstructor(Map.class).newInstance(env));
                Class<?> storeType = loader.loadClass("io.wanvideo.gateway.storage.ObjectStore");
                String key = "inputs/" + function + "/0.png";
                byte[] bytes = ("image from " + function).getBytes(StandardCharsets.UTF_8);
                storeType.getMethod("put", String.class, byte[].class, String.class).invoke(store, key, bytes, "image/png");
                Object presigned = storeType.getMethod("presignGet", String.class, Duration.class).invoke(store, key, Duration.ofMinutes(1));
                URI url = (URI) presigned.getClass().getMethod("url").invoke(presigned);
                assertThat(http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray()).body()).as(function)
                        .isEqualTo(bytes);

                String copy = "results/" + function + ".mp4";
                Object stored = storeType.getMethod("copyFrom", URI.class, String.class, Duration.class)
                        .invoke(store, url, copy, Duration.ofSeconds(20));
                assertThat(stored.getClass().getMethod("size").invoke(stored)).as(function).isEqualTo((long) bytes.length);
                storeType.getMethod("delete", java.util.Collection.class).invoke(store, List.of(key, copy));
                assertThat(storeType.getMethod("exists", String.class).invoke(store, copy)).as(function).isEqualTo(false);
                ((AutoCloseable) store).close();
            }
        }
    }

    /** Loads the function's jar alone, builds its handler from {@code env}, and invokes it with the event file. */
    private static Object invoke(String function, String handlerClass, Map<String, String> env, String eventClass,
            String eventFile) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {jar(function).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Class<?> envType = loader.loadClass("io.wanvideo.gateway.config.Env");
            Object handler = loader.loadClass(handlerClass).getConstructor(envType)
                    .newInstance(envType.getConstructor(Map.class).newInstance(env));
            // The jar's own Jackson reads the event, as Lambda's serializer would produce it.
            Class<?> mapperType = loader.loadClass("com.fasterxml.jackson.databind.ObjectMapper");
            Object mapper = mapperType.getConstructor().newInstance();
            Class<?> feature = loader.loadClass("com.fasterxml.jackson.databind.MapperFeature");
            Class<?> deserialization = loader.loadClass("com.fasterxml.jackson.databind.DeserializationFeature");
            mapper = mapperType.getMethod("configure", feature, boolean.class).invoke(mapper,
                    enumConstant(feature, "ACCEPT_CASE_INSENSITIVE_PROPERTIES"), true);
            mapperType.getMethod("configure", deserialization, boolean.class).invoke(mapper,
                    enumConstant(deserialization, "FAIL_ON_UNKNOWN_PROPERTIES"), false);
            Object event = mapperType.getMethod("readValue", File.class, Class.class).invoke(mapper, new File(eventFile),
                    loader.loadClass(eventClass));
            Method handle = handler.getClass().getMethod("handleRequest", loader.loadClass(eventClass),
                    loader.loadClass("com.amazonaws.services.lambda.runtime.Context"));
            return handle.invoke(handler, event, null);
        } finally {
            Thread.currentThread().setContextClassLoader(LambdaJarsIT.class.getClassLoader());
        }
    }

    private static Object enumConstant(Class<?> type, String name) {
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(name)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(name);
    }
}

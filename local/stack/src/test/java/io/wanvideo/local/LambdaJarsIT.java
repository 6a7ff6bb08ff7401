package io.wanvideo.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Repository;
import io.wanvideo.gateway.testing.Specs;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The deployable jars: each carries what its function needs and nothing heavier, and each starts and answers
 * a request when loaded alone, with nothing from this build on its class path, as Lambda loads it.
 */
class LambdaJarsIT {
    private static final List<String> NEVER = List.of("org/apache/http/", "org/apache/hc/", "io/netty/",
            "software/amazon/awssdk/http/apache", "software/amazon/awssdk/http/nio/netty", "software/amazon/dynamodb/services/local/",
            "io/wanvideo/gateway/testing/", "io/wanvideo/dashscope/simulator/", "io/wanvideo/local/", "org/elasticmq/", "org/joda/time/");
    private static final String SQS = "software/amazon/awssdk/services/sqs/";
    private static final String SECRETS = "software/amazon/awssdk/services/secretsmanager/";
    private static final String SSM = "software/amazon/awssdk/services/ssm/";

    private static Path jar(String function) {
        return Path.of(Repository.path("functions/" + function + "/target/" + function + "-function-lambda.jar"));
    }

    private static boolean has(JarFile jar, String prefix) {
        return jar.stream().anyMatch(e -> e.getName().startsWith(prefix));
    }

    @Test
    void eachJarCarriesOnlyWhatItsFunctionUses() throws Exception {
        Map<String, List<String>> needs = Map.of("submit", List.of(SQS), "status", List.of(), "poller", List.of(SQS, SECRETS, SSM));
        for (var entry : needs.entrySet()) {
            try (JarFile jar = new JarFile(jar(entry.getKey()).toFile())) {
                String name = entry.getKey();
                assertThat(has(jar, "software/amazon/awssdk/http/urlconnection/")).as(name).isTrue();
                assertThat(has(jar, "software/amazon/awssdk/services/dynamodb/")).as(name).isTrue();
                for (String forbidden : NEVER) {
                    assertThat(has(jar, forbidden)).as("%s carries %s", name, forbidden).isFalse();
                }
                for (String optional : List.of(SQS, SECRETS, SSM)) {
                    assertThat(has(jar, optional)).as("%s and %s", name, optional).isEqualTo(entry.getValue().contains(optional));
                }
                assertThat(jar.getEntry("log4j2.xml")).as(name).isNotNull();
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
        new DynamoApiKeyStore(aws.dynamo(), table).put(ApiKeys.hash(key), "tenant-example");
        String id = "video_01kaexamp1e000000000000000";
        new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1)).create(VideoTask.queued(id, "tenant-example", Specs.r2v("x"), 1L));
        try (var sim = io.wanvideo.dashscope.simulator.DashScopeSimulator.start(
                io.wanvideo.dashscope.simulator.SimulatorSettings.defaults())) {
            Map<String, String> env = new HashMap<>(aws.environment(table, queues, Map.of("DASHSCOPE_BASE_URL", sim.baseUrl(),
                    "DASHSCOPE_API_KEY", "sk-test")));

            Object submitted = invoke("submit", "io.wanvideo.gateway.functions.submit.ApiGatewaySubmitVideoHandler", env,
                    "com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent", Repository.path("events/submit-r2v.json"));
            assertThat(submitted.getClass().getMethod("getStatusCode").invoke(submitted)).isEqualTo(200);

            Object found = invoke("status", "io.wanvideo.gateway.functions.status.ApiGatewayGetVideoHandler", env,
                    "com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent", Repository.path("events/get-video.json"));
            assertThat(found.getClass().getMethod("getStatusCode").invoke(found)).isEqualTo(200);
            assertThat((String) found.getClass().getMethod("getBody").invoke(found)).contains(id);

            Object polled = invoke("poller", "io.wanvideo.gateway.functions.poller.SqsPollVideoTasksHandler", env,
                    "com.amazonaws.services.lambda.runtime.events.SQSEvent", Repository.path("events/poller-batch.json"));
            assertThat((List<?>) polled.getClass().getMethod("getBatchItemFailures").invoke(polled)).isEmpty();
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

package io.wanvideo.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.wanvideo.dashscope.simulator.DashScopeSimulator;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.api.ApiRoutes;
import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.store.dynamodb.TaskTable;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Repository;
import io.wanvideo.gateway.testing.Specs;
import java.io.File;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Holds template.yaml and the code together: every handler named exists with the right event types; each
 * function, built from exactly the environment the template gives it, reads no variable the template does
 * not set (and the template sets none it does not read); every AWS call the functions make in a full task
 * lifecycle is allowed by that function's role; and the table, queues, routes and limits match the code.
 */
class TemplateTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Set by the Lambda runtime (region, credentials) or only by a local run (endpoints, a plain key). */
    private static final Set<String> NOT_FROM_TEMPLATE = Set.of("AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS",
            "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_SSM", "DASHSCOPE_API_KEY",
            "DASHSCOPE_ACCOUNTS", "LOCAL_NETWORK_TARGETS", "LOCAL_WEBHOOK_SECRET", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "UPSTREAM_EVENTS_TOKEN");
    /** Read by the JVM, not by our code. */
    private static final Set<String> FOR_THE_RUNTIME = Set.of("JAVA_TOOL_OPTIONS");

    private static JsonNode template;
    private static JsonNode resources;
    private static final LocalAws aws = LocalAws.get();
    private static DashScopeSimulator sim;
    private static String table;
    private static String bucket;
    private static LocalAws.Queues queues;
    private static String pollQueueArn;
    private static final Map<String, Env> envs = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws Exception {
        template = YAML.readTree(new File(Repository.path("template.yaml")));
        resources = template.get("Resources");
        sim = DashScopeSimulator.start(SimulatorSettings.defaults().withTiming(0, 0.5, 0.5));
        table = aws.newTable();
        bucket = aws.newBucket();
        queues = aws.newQueues(5, 360);
        pollQueueArn = aws.sqs().getQueueAttributes(g -> g.queueUrl(queues.pollQueueUrl())
                .attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
        runATaskThroughTheFunctionsAsTheTemplateConfiguresThem();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static Iterable<Map.Entry<String, JsonNode>> functions() {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        resources.fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                out.add(e);
            }
        });
        return out;
    }

    private static JsonNode function(String logicalId) {
        return resources.get(logicalId).get("Properties");
    }

    /** Globals' variables, then the function's own. */
    private static Map<String, JsonNode> templateVariables(String logicalId) {
        Map<String, JsonNode> vars = new LinkedHashMap<>();
        template.at("/Globals/Function/Environment/Variables").fields().forEachRemaining(e -> vars.put(e.getKey(), e.getValue()));
        function(logicalId).at("/Environment/Variables").fields().forEachRemaining(e -> vars.put(e.getKey(), e.getValue()));
        return vars;
    }

    /** A template value, as it resolves in this test's stand-in account. */
    private static String resolve(JsonNode value) {
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.has("Ref")) {
            String ref = value.get("Ref").asText();
            return switch (ref) {
                case "TasksTable" -> table;
                case "MediaBucket" -> bucket;
                case "PollQueue" -> queues.pollQueueUrl();
                case "PollDeadLetterQueue" -> queues.deadLetterQueueUrl();
                // The one substitution: the simulator stands in for DashScope.
                case "DashScopeBaseUrl" -> sim.baseUrl();
                default -> template.at("/Parameters/" + ref + "/Default").asText();
            };
        }
        if (value.has("Fn::GetAtt")) {
            String target = value.get("Fn::GetAtt").get(0).asText() + "." + value.get("Fn::GetAtt").get(1).asText();
            return switch (target) {
                case "PollQueue.Arn" -> pollQueueArn;
                case "PollDeadLetterQueue.Arn" -> queues.deadLetterQueueArn();
                default -> throw new AssertionError("cannot resolve " + target);
            };
        }
        if (value.has("Fn::Sub") && value.get("Fn::Sub").isTextual()) {
            return value.get("Fn::Sub").asText().replace("${AWS::StackName}", "test-stack");
        }
        if (value.has("Fn::If")) {
            // With the parameters' defaults (no secret, no parameter, no events token named) every condition here is false.
            String condition = value.get("Fn::If").get(0).asText();
            assertThat(condition).isIn("KeyInSecret", "KeyInParameter", "AccountsInSecret", "AccountsInParameter",
                    "TakesCompletionEvents");
            return resolve(value.get("Fn::If").get(2));
        }
        throw new AssertionError("cannot resolve " + value);
    }

    private static Env environmentFor(String logicalId) {
        Map<String, String> env = new HashMap<>(aws.endpoints());
        env.putAll(aws.s3Environment(null));
        templateVariables(logicalId).forEach((name, value) -> env.put(name, resolve(value)));
        env.put("DASHSCOPE_API_KEY", "sk-test");
        Env e = new Env(env);
        envs.put(logicalId, e);
        return e;
    }

    @SuppressWarnings("unchecked")
    private static <I, O> RequestHandler<I, O> handler(String logicalId) throws Exception {
        String className = function(logicalId).get("Handler").asText().split("::")[0];
        return (RequestHandler<I, O>) Class.forName(className).getConstructor(Env.class).newInstance(environmentFor(logicalId));
    }

    private static void runATaskThroughTheFunctionsAsTheTemplateConfiguresThem() throws Exception {
        AwsCallRecorder.clear();
        AwsCallRecorder.actingAs("setup");
        String key = EventLoader.loadApiGatewayHttpEvent(Repository.path("events/submit-r2v.json")).getHeaders()
                .get("authorization").substring("Bearer ".length());
        // An operator's key: GET /v1/stats then reads everything it can (the pool's counters too).
        new DynamoApiKeyStore(aws.dynamo(), table).put(ApiKeys.hash(key), io.wanvideo.gateway.store.ApiKeyStore.ApiKeyRecord.operator("tenant-example"));

        AwsCallRecorder.actingAs("SubmitFunction");
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> submit = handler("SubmitFunction");
        APIGatewayV2HTTPResponse created = submit.handleRequest(
                EventLoader.loadApiGatewayHttpEvent(Repository.path("events/submit-r2v.json")), null);
        assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(200);
        String id = Json.tree(created.getBody()).get("id").asText();

        AwsCallRecorder.actingAs("PollerFunction");
        RequestHandler<SQSEvent, SQSBatchResponse> poller = handler("PollerFunction");
        DynamoTaskStore store = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1));
        aws.sqs().sendMessage(s -> s.queueUrl(queues.pollQueueUrl()).messageBody(Json.write(TaskMessage.sweep())));
        long deadline = System.currentTimeMillis() + 30_000;
        // Until the task has ended and its video has been copied (the step after its end).
        while (!store.find(id).orElseThrow().state().terminal() || store.find(id).orElseThrow().result().isPending()) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            deliver(poller, queues.pollQueueUrl(), pollQueueArn);
        }
        // And the dead-letter path: a task whose message was dead-lettered.
        var stuck = io.wanvideo.gateway.model.VideoTask.queued("video_01kaexamp1e000000000000009", "tenant-example",
                Specs.r2v("stuck"), System.currentTimeMillis());
        AwsCallRecorder.actingAs("setup");
        store.create(stuck, io.wanvideo.gateway.store.Admission.UNLIMITED);
        aws.sqs().sendMessage(s -> s.queueUrl(queues.deadLetterQueueUrl()).messageBody(Json.write(TaskMessage.advance(stuck))));
        AwsCallRecorder.actingAs("PollerFunction");
        deliver(poller, queues.deadLetterQueueUrl(), queues.deadLetterQueueArn());
        assertThat(store.find(stuck.id()).orElseThrow().state().terminal()).isTrue();

        AwsCallRecorder.actingAs("StatusFunction");
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> status = handler("StatusFunction");
        APIGatewayV2HTTPEvent lookup = EventLoader.loadApiGatewayHttpEvent(Repository.path("events/get-video.json"));
        lookup.setPathParameters(Map.of("id", id));
        lookup.setRawPath("/v1/videos/" + id);
        APIGatewayV2HTTPResponse found = status.handleRequest(lookup, null);
        assertThat(found.getStatusCode()).as(found.getBody()).isEqualTo(200);
        assertThat(Json.tree(found.getBody()).get("status").asText()).isEqualTo("completed");
        // The other reads: the list, the content link, the catalogue.
        for (String path : List.of("/v1/videos", "/v1/videos/" + id + "/content", "/v1/models", "/v1/stats", "/")) {
            APIGatewayV2HTTPEvent read = EventLoader.loadApiGatewayHttpEvent(Repository.path("events/get-video.json"));
            read.setPathParameters(null);
            read.setRawPath(path);
            APIGatewayV2HTTPResponse answer = status.handleRequest(read, null);
            assertThat(answer.getStatusCode()).as(path + " " + answer.getBody()).isIn(200, 302);
        }
        // And the writes' other half: a task deleted while it waits, and one deleted once finished.
        AwsCallRecorder.actingAs("SubmitFunction");
        String waiting = Json.tree(submit.handleRequest(EventLoader.loadApiGatewayHttpEvent(Repository.path(
                "events/submit-r2v.json")), null).getBody()).get("id").asText();
        for (String deleted : List.of(waiting, id)) {
            APIGatewayV2HTTPEvent delete = EventLoader.loadApiGatewayHttpEvent(Repository.path("events/delete-video.json"));
            delete.setPathParameters(Map.of("id", deleted));
            delete.setRawPath("/v1/videos/" + deleted);
            APIGatewayV2HTTPResponse answer = submit.handleRequest(delete, null);
            assertThat(answer.getStatusCode()).as(answer.getBody()).isEqualTo(200);
        }
        AwsCallRecorder.actingAs("none");
    }

    /** What Lambda's event source mapping does, with the function's role: receive, invoke, delete. */
    private static void deliver(RequestHandler<SQSEvent, SQSBatchResponse> poller, String url, String arn) {
        List<Message> messages = aws.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        if (messages.isEmpty()) {
            return;
        }
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setBody(m.body());
            r.setEventSourceArn(arn);
            records.add(r);
        }
        event.setRecords(records);
        assertThat(poller.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        for (Message m : messages) {
            aws.sqs().deleteMessage(d -> d.queueUrl(url).receiptHandle(m.receiptHandle()));
        }
    }

    @Test
    void everyHandlerExistsWithTheEventTypesOfItsTriggers() throws Exception {
        for (Map.Entry<String, JsonNode> f : functions()) {
            JsonNode props = f.getValue().get("Properties");
            Class<?> handler = Class.forName(props.get("Handler").asText().split("::")[0]);
            assertThat(props.get("Handler").asText()).endsWith("::handleRequest");
            Type[] types = requestHandlerTypes(handler);
            Set<String> triggers = new HashSet<>();
            props.get("Events").forEach(e -> triggers.add(e.get("Type").asText()));
            assertThat(triggers).as(f.getKey()).hasSize(1);
            if (triggers.contains("HttpApi")) {
                assertThat(types).containsExactly(APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class);
            } else {
                assertThat(triggers).containsExactly("SQS");
                assertThat(types).containsExactly(SQSEvent.class, SQSBatchResponse.class);
            }
            assertThat(handler.getConstructors()).as("Lambda's public no-argument constructor")
                    .anySatisfy(c -> assertThat(c.getParameterCount()).isZero());
            assertThat(props.has("Runtime") ? props.get("Runtime").asText() : template.at("/Globals/Function/Runtime").asText())
                    .isEqualTo("java21");
            assertThat(props.get("Timeout").asInt()).isPositive();
        }
    }

    private static Type[] requestHandlerTypes(Class<?> handler) {
        for (Type type : handler.getGenericInterfaces()) {
            if (type instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                return p.getActualTypeArguments();
            }
        }
        throw new AssertionError(handler + " is not a RequestHandler");
    }

    @Test
    void eachFunctionReadsExactlyTheVariablesTheTemplateSets() {
        assertThat(envs.keySet()).containsExactlyInAnyOrder("SubmitFunction", "PollerFunction", "StatusFunction");
        envs.forEach((function, env) -> {
            Set<String> set = templateVariables(function).keySet();
            Set<String> read = new TreeSet<>(env.namesRead());
            read.removeAll(NOT_FROM_TEMPLATE);
            assertThat(set).as("%s: read but not set by the template", function).containsAll(read);
            Set<String> unread = new TreeSet<>(set);
            unread.removeAll(env.namesRead());
            unread.removeAll(FOR_THE_RUNTIME);
            assertThat(unread).as("%s: set by the template but never read", function).isEmpty();
        });
    }

    /**
     * What the local stack sets itself (its embedded resources, the simulator and what follows from it), and what
     * names where a deployment keeps its secrets or its metrics, which have no meaning on one machine.
     */
    private static final Set<String> SET_BY_THE_LOCAL_STACK = Set.of("TABLE_NAME", "QUEUE_URL", "DEAD_LETTER_QUEUE_ARN",
            "MEDIA_BUCKET", "LOCAL_NETWORK_TARGETS", "DASHSCOPE_BASE_URL", "DASHSCOPE_API_KEY", "EXPECTED_GENERATION_SECONDS",
            "GENERATION_TIME_SIGMA", "DASHSCOPE_API_KEY_SECRET_ARN", "DASHSCOPE_API_KEY_PARAMETER",
            "DASHSCOPE_ACCOUNTS_SECRET_ARN", "DASHSCOPE_ACCOUNTS_PARAMETER", "METRICS_NAMESPACE", "AWS_CONTAINER_CREDENTIALS_FULL_URI");

    /**
     * cfn-lint (with the SAM translator it brings) reads the template as CloudFormation will: resource types and
     * properties, intrinsic functions, the Serverless transform. The machine has it; where it does not (it comes from
     * PyPI, which CI cannot reach), the check is counted as skipped, saying why.
     */
    @Test
    void cfnLintFindsNothingInTheTemplate() throws Exception {
        Process lint;
        try {
            lint = new ProcessBuilder("cfn-lint", "--format", "parseable", "--", "template.yaml")
                    .directory(Repository.root().toFile()).redirectErrorStream(true).start();
        } catch (java.io.IOException notInstalled) {
            Assumptions.abort("cfn-lint is not on the PATH (" + notInstalled.getMessage() + ")");
            return;
        }
        String output = new String(lint.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(lint.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).as("cfn-lint finished").isTrue();
        assertThat(output).as("cfn-lint's findings").isEmpty();
        assertThat(lint.exitValue()).as("cfn-lint's exit code").isZero();
    }

    @Test
    void everySettingAFunctionReadsCanBeGivenToTheLocalStack() {
        Set<String> passed = new TreeSet<>(LocalOptions.FUNCTION_SETTINGS);
        passed.addAll(LocalOptions.AWS_SETTINGS);
        passed.addAll(SET_BY_THE_LOCAL_STACK);
        envs.forEach((function, env) -> {
            Set<String> read = new TreeSet<>(env.namesRead());
            read.removeIf(name -> name.startsWith("AWS_ENDPOINT_URL_") || passed.contains(name));
            assertThat(read).as("%s reads these, but ./run-local never passes them on", function).isEmpty();
        });
    }

    @Test
    void everyAwsCallIsAllowedByTheCallersRole() {
        List<AwsCallRecorder.Call> calls = AwsCallRecorder.calls().stream()
                .filter(c -> c.function().endsWith("Function")).toList();
        assertThat(calls).extracting(AwsCallRecorder.Call::function).contains("SubmitFunction", "PollerFunction", "StatusFunction");
        Set<String> checked = new TreeSet<>();
        for (AwsCallRecorder.Call call : calls) {
            JsonNode resource = templateResourceFor(call);
            assertThat(allowed(call.function(), call.action(), resource))
                    .as("%s may %s on %s", call.function(), call.action(), resource).isTrue();
            checked.add(call.function() + " " + call.action() + " " + resource);
        }
        assertThat(checked).contains(
                "SubmitFunction dynamodb:PutItem {\"Fn::GetAtt\":[\"TasksTable\",\"Arn\"]}",
                "SubmitFunction sqs:SendMessage {\"Fn::GetAtt\":[\"PollQueue\",\"Arn\"]}",
                "PollerFunction dynamodb:Query {\"Fn::Sub\":\"${TasksTable.Arn}/index/fair-queue\"}",
                "StatusFunction dynamodb:Query {\"Fn::Sub\":\"${TasksTable.Arn}/index/by-tenant\"}",
                "SubmitFunction dynamodb:DeleteItem {\"Fn::GetAtt\":[\"TasksTable\",\"Arn\"]}",
                "PollerFunction sqs:ReceiveMessage {\"Fn::GetAtt\":[\"PollDeadLetterQueue\",\"Arn\"]}",
                "StatusFunction dynamodb:GetItem {\"Fn::GetAtt\":[\"TasksTable\",\"Arn\"]}",
                "StatusFunction dynamodb:BatchGetItem {\"Fn::GetAtt\":[\"TasksTable\",\"Arn\"]}",
                "StatusFunction dynamodb:Query {\"Fn::Sub\":\"${TasksTable.Arn}/index/fair-queue\"}",
                "PollerFunction s3:PutObject {\"Fn::Sub\":\"${MediaBucket.Arn}/*\"}",
                "SubmitFunction s3:DeleteObject {\"Fn::Sub\":\"${MediaBucket.Arn}/*\"}");
    }

    private static JsonNode templateResourceFor(AwsCallRecorder.Call call) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (table.equals(call.resource())) {
            if (call.index() != null) {
                return f.objectNode().put("Fn::Sub", "${TasksTable.Arn}/index/" + call.index());
            }
            return getAtt("TasksTable");
        }
        if (bucket.equals(call.resource())) {
            // Object operations are granted on the bucket's objects.
            return f.objectNode().put("Fn::Sub", "${MediaBucket.Arn}/*");
        }
        if (queues.pollQueueUrl().equals(call.resource())) {
            return getAtt("PollQueue");
        }
        if (queues.deadLetterQueueUrl().equals(call.resource())) {
            return getAtt("PollDeadLetterQueue");
        }
        throw new AssertionError(call + " touches something the template does not declare");
    }

    /** An index's ARN as a grant on every index of the table covers it. */
    private static JsonNode anyIndex(JsonNode resource) {
        String sub = resource.path("Fn::Sub").asText("");
        return sub.startsWith("${TasksTable.Arn}/index/")
                ? JsonNodeFactory.instance.objectNode().put("Fn::Sub", "${TasksTable.Arn}/index/*") : resource;
    }

    private static JsonNode getAtt(String logicalId) {
        ArrayNode args = JsonNodeFactory.instance.arrayNode().add(logicalId).add("Arn");
        return JsonNodeFactory.instance.objectNode().set("Fn::GetAtt", args);
    }

    private static boolean allowed(String function, String action, JsonNode resource) {
        String role = function(function).at("/Role/Fn::GetAtt/0").asText();
        for (JsonNode policy : resources.at("/" + role + "/Properties/Policies")) {
            if (policy.has("Fn::If")) {
                continue;
            }
            for (JsonNode statement : policy.at("/PolicyDocument/Statement")) {
                boolean allows = statement.get("Effect").asText().equals("Allow")
                        && contains(statement.get("Action"), new TextNode(action))
                        && (contains(statement.get("Resource"), resource) || contains(statement.get("Resource"), anyIndex(resource)));
                if (allows) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean contains(JsonNode listOrOne, JsonNode wanted) {
        if (listOrOne.isArray()) {
            for (Iterator<JsonNode> it = listOrOne.elements(); it.hasNext(); ) {
                if (it.next().equals(wanted)) {
                    return true;
                }
            }
            return false;
        }
        return listOrOne.equals(wanted);
    }

    @Test
    void thePollerIsWiredForBatchFailuresAndDeadLetters() {
        JsonNode poller = function("PollerFunction");
        int timeout = poller.get("Timeout").asInt();
        JsonNode queue = resources.at("/PollQueue/Properties");
        assertThat(queue.get("VisibilityTimeout").asInt()).isGreaterThanOrEqualTo(6 * timeout);
        assertThat(queue.at("/RedrivePolicy/deadLetterTargetArn")).isEqualTo(getAtt("PollDeadLetterQueue"));
        assertThat(queue.at("/RedrivePolicy/maxReceiveCount").asInt()).isEqualTo(LocalGateway.MAX_RECEIVES);
        Set<JsonNode> sources = new HashSet<>();
        poller.get("Events").forEach(e -> {
            assertThat(e.at("/Properties/FunctionResponseTypes")).contains(new TextNode("ReportBatchItemFailures"));
            sources.add(e.at("/Properties/Queue"));
        });
        assertThat(sources).containsExactlyInAnyOrder(getAtt("PollQueue"), getAtt("PollDeadLetterQueue"));
        assertThat(poller.at("/Environment/Variables/DEAD_LETTER_QUEUE_ARN")).isEqualTo(getAtt("PollDeadLetterQueue"));
        // The sweep: every minute a sweep message into the same queue, which the schedule may send to.
        JsonNode rule = resources.at("/SweepSchedule/Properties");
        assertThat(rule.get("ScheduleExpression").asText()).isEqualTo("rate(1 minute)");
        assertThat(rule.at("/Targets/0/Arn")).isEqualTo(getAtt("PollQueue"));
        assertThat(Json.read(rule.at("/Targets/0/Input").asText(), TaskMessage.class)).isEqualTo(TaskMessage.sweep());
        assertThat(resources.at("/PollQueuePolicy/Properties/PolicyDocument/Statement/0/Principal/Service").asText())
                .isEqualTo("events.amazonaws.com");
    }

    @Test
    void theTableIsTheOneTheCodeExpects() {
        JsonNode declared = resources.at("/TasksTable/Properties");
        CreateTableRequest expected = TaskTable.createRequest("any");
        assertThat(declared.get("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(declared.at("/KeySchema/0/AttributeName").asText()).isEqualTo(TaskTable.PK);
        Map<String, String> attributes = new HashMap<>();
        declared.get("AttributeDefinitions").forEach(a -> attributes.put(a.get("AttributeName").asText(), a.get("AttributeType").asText()));
        Map<String, String> expectedAttributes = new HashMap<>();
        expected.attributeDefinitions().forEach(a -> expectedAttributes.put(a.attributeName(), a.attributeTypeAsString()));
        assertThat(attributes).isEqualTo(expectedAttributes);
        Map<String, String> indexes = new HashMap<>();
        declared.get("GlobalSecondaryIndexes").forEach(i -> indexes.put(i.get("IndexName").asText(),
                i.at("/KeySchema/0/AttributeName").asText() + "/" + i.at("/KeySchema/1/AttributeName").asText() + "/"
                        + i.at("/Projection/ProjectionType").asText() + "/" + new TreeSet<>(textList(i.at("/Projection/NonKeyAttributes")))));
        Map<String, String> expectedIndexes = new HashMap<>();
        for (GlobalSecondaryIndex i : expected.globalSecondaryIndexes()) {
            expectedIndexes.put(i.indexName(), i.keySchema().get(0).attributeName() + "/" + i.keySchema().get(1).attributeName()
                    + "/" + i.projection().projectionTypeAsString() + "/" + new TreeSet<>(i.projection().nonKeyAttributes()));
        }
        assertThat(indexes).isEqualTo(expectedIndexes);
        assertThat(declared.at("/TimeToLiveSpecification/AttributeName").asText()).isEqualTo(TaskTable.TTL);
        assertThat(indexes).containsKey(TaskTable.BY_TENANT_INDEX);
    }

    private static List<String> textList(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void theLocalStackServesTheTemplatesRoutes() {
        Set<String> declared = new TreeSet<>();
        for (Map.Entry<String, JsonNode> f : functions()) {
            f.getValue().at("/Properties/Events").forEach(e -> {
                if (e.get("Type").asText().equals("HttpApi")) {
                    JsonNode p = e.get("Properties");
                    declared.add(p.has("Path") ? p.get("Method").asText() + " " + p.get("Path").asText() + " " + f.getKey()
                            : "$default " + f.getKey());
                }
            });
        }
        Set<String> local = new TreeSet<>();
        ApiRoutes.every().stream().filter(r -> !r.viaDefault())
                .forEach(r -> local.add(r.method() + " " + r.template() + " " + r.function()));
        local.add("$default " + ApiRoutes.DEFAULT_FUNCTION);
        assertThat(local).isEqualTo(declared);
    }

    /**
     * Each alarm watches a metric that exists: one of the code's (io.wanvideo.gateway.metrics.Metric, in its total,
     * without dimensions, in the namespace the functions are given) or one AWS publishes for a resource of this
     * template; each notifies the optional topic; and the alarms an operator needs from day one are all there.
     */
    @Test
    void everyAlarmWatchesAMetricTheCodeEmitsOrAwsPublishes() {
        JsonNode namespace = template.at("/Globals/Function/Environment/Variables/METRICS_NAMESPACE");
        Set<String> emitted = new TreeSet<>();
        for (io.wanvideo.gateway.metrics.Metric m : io.wanvideo.gateway.metrics.Metric.values()) {
            emitted.add(m.metricName());
        }
        Map<String, String> watched = new TreeMap<>();
        resources.fields().forEachRemaining(e -> {
            if (!e.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
                return;
            }
            JsonNode alarm = e.getValue().get("Properties");
            if (alarm.has("Metrics")) {
                // Metric math over the code's totals: each one named, and one expression, the alarm's, returned.
                List<String> metrics = new ArrayList<>();
                int returned = 0;
                for (JsonNode query : alarm.get("Metrics")) {
                    if (query.has("MetricStat")) {
                        JsonNode stat = query.at("/MetricStat/Metric");
                        assertThat(stat.get("Namespace")).as(e.getKey() + " namespace").isEqualTo(namespace);
                        assertThat(emitted).as(e.getKey() + " watches").contains(stat.get("MetricName").asText());
                        assertThat(stat.has("Dimensions")).as(e.getKey() + ": the code's totals have no dimensions").isFalse();
                        assertThat(query.at("/ReturnData").asBoolean(true)).isFalse();
                        metrics.add(stat.get("MetricName").asText());
                    } else {
                        for (String id : query.get("Expression").asText().split("[^A-Za-z_]+")) {
                            assertThat(id.isEmpty() || id.equals("IF") || id.equals("FILL") || id.equals("AND")
                                    || alarm.findValues("Id").stream().anyMatch(q -> q.asText().equals(id)))
                                    .as(e.getKey() + ": " + id + " names a query").isTrue();
                        }
                        returned += query.at("/ReturnData").asBoolean(true) ? 1 : 0;
                    }
                }
                assertThat(returned).as(e.getKey() + ": one expression returned").isEqualTo(1);
                assertThat(alarm.at("/AlarmActions/Fn::If/0").asText()).as(e.getKey()).isEqualTo("AlarmsNotify");
                assertThat(alarm.get("AlarmDescription").asText()).as(e.getKey()).isNotBlank();
                watched.put(e.getKey(), String.join(",", metrics));
                return;
            }
            String metric = alarm.get("MetricName").asText();
            if (alarm.get("Namespace").isTextual() && alarm.get("Namespace").asText().startsWith("AWS/")) {
                // An AWS metric, of a resource declared here.
                assertThat(alarm.at("/Dimensions/0/Value").toString()).as(e.getKey())
                        .matches(".*(PollDeadLetterQueue|PollQueue|PollerFunction|SubmitFunction|StatusFunction|TasksTable).*");
            } else {
                assertThat(alarm.get("Namespace")).as(e.getKey() + " namespace").isEqualTo(namespace);
                assertThat(emitted).as(e.getKey() + " watches " + metric).contains(metric);
                assertThat(alarm.has("Dimensions")).as(e.getKey() + ": the code's totals have no dimensions").isFalse();
            }
            assertThat(alarm.at("/AlarmActions/Fn::If/0").asText()).as(e.getKey()).isEqualTo("AlarmsNotify");
            assertThat(alarm.get("AlarmDescription").asText()).as(e.getKey()).isNotBlank();
            watched.put(e.getKey(), metric);
        });
        assertThat(watched).containsEntry("DeadLetterQueueNotEmptyAlarm", "ApproximateNumberOfMessagesVisible")
                .containsEntry("BacklogTooOldAlarm", io.wanvideo.gateway.metrics.Metric.OLDEST_BACKLOG_AGE.metricName())
                .containsEntry("UpstreamKeyAlarm", io.wanvideo.gateway.metrics.Metric.ACCOUNTS_PAUSED.metricName())
                .containsEntry("UpstreamThrottlingAlarm", io.wanvideo.gateway.metrics.Metric.UPSTREAM_THROTTLED.metricName())
                .containsEntry("PollerErrorsAlarm", io.wanvideo.gateway.metrics.Metric.POLLER_MESSAGES_FAILED.metricName())
                .containsEntry("CompletionWatcherOffAlarm", io.wanvideo.gateway.metrics.Metric.COMPLETION_WATCHER_OFF.metricName())
                .containsEntry("CompletionEventsMissingAlarm", io.wanvideo.gateway.metrics.Metric.TASKS_COMPLETED.metricName() + ","
                        + io.wanvideo.gateway.metrics.Metric.COMPLETION_EVENTS.metricName());
        // Only a deployment that takes completion events can miss them.
        assertThat(resources.at("/CompletionEventsMissingAlarm/Condition").asText()).isEqualTo("TakesCompletionEvents");
        assertThat(template.at("/Parameters/AlarmTopicArn/Default").asText()).isEmpty();
    }

    /** A secret parameter is a whole ARN (IAM grants on exactly it), checked by CloudFormation before anything is made. */
    @Test
    void secretArnParametersMustBeWholeArns() {
        for (String parameter : List.of("DashScopeApiKeySecretArn", "DashScopeAccountsSecretArn")) {
            java.util.regex.Pattern allowed = java.util.regex.Pattern.compile(template.at("/Parameters/" + parameter + "/AllowedPattern").asText());
            assertThat(allowed.matcher("").matches()).as(parameter).isTrue();
            assertThat(allowed.matcher("arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:wan-gateway/dashscope-AbCdEf").matches())
                    .as(parameter).isTrue();
            assertThat(allowed.matcher("wan-gateway/dashscope").matches()).as(parameter).isFalse();
            assertThat(allowed.matcher("arn:aws:ssm:ap-southeast-1:123456789012:parameter/x").matches()).as(parameter).isFalse();
        }
    }

    /** Every output that points at the README points at a heading it has. */
    @Test
    void outputsPointAtReadmeSectionsThatExist() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of(Repository.path("README.md")));
        template.get("Outputs").fields().forEachRemaining(o -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("README, \"([^\"]+)\"").matcher(o.getValue().path("Description").asText());
            while (m.find()) {
                assertThat(readme).as(o.getKey()).containsPattern("(?m)^#+ " + java.util.regex.Pattern.quote(m.group(1)) + "$");
            }
        });
    }

    /**
     * Everywhere else in the template (parameter descriptions, comments), a README reference names a heading or one of
     * the README's bold paragraph titles ("**How a slot is chosen.**").
     */
    @Test
    void everyReadmeReferenceInTheTemplateNamesASectionThatExists() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of(Repository.path("README.md")));
        String raw = java.nio.file.Files.readString(java.nio.file.Path.of(Repository.path("template.yaml")));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("README, \"([^\"]+)\"").matcher(raw);
        int references = 0;
        while (m.find()) {
            references++;
            String title = java.util.regex.Pattern.quote(m.group(1));
            assertThat(readme).as(m.group(1)).containsPattern("(?m)^#+ " + title + "$|^\\*\\*" + title + "\\.?\\*\\*");
        }
        assertThat(references).isPositive();
    }

    /** The parameters that say where the DashScope key (or the accounts document) is kept; never the key itself. */
    private static final Set<String> KEY_SOURCES = Set.of("DashScopeApiKeySecretArn", "DashScopeApiKeyParameterName",
            "DashScopeAccountsSecretArn", "DashScopeAccountsParameterName");

    /** Where each parameter is used, by Ref or ${Name}: the path to the value using it, array positions left out. */
    private static Map<String, Set<String>> parameterUses() {
        Map<String, Set<String>> uses = new LinkedHashMap<>();
        template.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("Parameters")) {
                collectUses(e.getValue(), e.getKey(), uses);
            }
        });
        return uses;
    }

    private static void collectUses(JsonNode node, String path, Map<String, Set<String>> into) {
        if (node.isArray()) {
            node.forEach(element -> collectUses(element, path, into));
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("Ref")) {
                    into.computeIfAbsent(e.getValue().asText(), k -> new TreeSet<>()).add(path);
                } else if (e.getKey().equals("Fn::Sub")) {
                    String text = e.getValue().isArray() ? e.getValue().get(0).asText() : e.getValue().asText();
                    java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(text);
                    while (names.find()) {
                        into.computeIfAbsent(names.group(1), k -> new TreeSet<>()).add(path);
                    }
                    collectUses(e.getValue(), path + "/Fn::Sub", into);
                } else {
                    collectUses(e.getValue(), path + "/" + e.getKey(), into);
                }
            });
        }
    }

    @Test
    void everyParameterIsUsedAndTheDashScopeKeyOnlyByReference() {
        Map<String, Set<String>> uses = parameterUses();
        Set<String> variablesWithTheKey = new TreeSet<>();
        template.get("Parameters").fields().forEachRemaining(p -> {
            String name = p.getKey();
            assertThat(uses).as("what reads parameter %s", name).containsKey(name);
            assertThat(p.getValue().path("Default").asText()).as("the default of %s", name).doesNotStartWith("sk-");
            if (KEY_SOURCES.contains(name)) {
                assertThat(p.getValue().path("Default").asText()).as("the default of %s", name).isEmpty();
                uses.get(name).stream().filter(path -> path.contains("/Environment/Variables/"))
                        .forEach(path -> variablesWithTheKey.add(path.replaceFirst("^Resources/([^/]+)/.*/Variables/([^/]+).*$", "$1 $2")));
                // The stack refuses to deploy with none of the four given.
                assertThat(uses.get(name)).as(name).anyMatch(path -> path.startsWith("Rules/DashScopeKeyGiven/Assertions/"));
            }
        });
        // Only the functions that call DashScope receive where the key is (the poller; the submit function, whose
        // deletes cancel upstream), and only as a secret's ARN or a parameter's name; the status function never.
        List<String> sources = List.of("DASHSCOPE_ACCOUNTS_PARAMETER", "DASHSCOPE_ACCOUNTS_SECRET_ARN",
                "DASHSCOPE_API_KEY_PARAMETER", "DASHSCOPE_API_KEY_SECRET_ARN");
        Set<String> expected = new TreeSet<>();
        for (String function : List.of("PollerFunction", "SubmitFunction")) {
            sources.forEach(variable -> expected.add(function + " " + variable));
            JsonNode vars = function(function).at("/Environment/Variables");
            assertThat(vars.has("DASHSCOPE_API_KEY")).as(function).isFalse();
            assertThat(vars.has("DASHSCOPE_ACCOUNTS")).as(function).isFalse();
        }
        assertThat(variablesWithTheKey).isEqualTo(expected);
        // The rule names exactly the four sources, each compared with the empty default.
        Map<String, Set<String>> ruleUses = new LinkedHashMap<>();
        collectUses(template.at("/Rules/DashScopeKeyGiven"), "", ruleUses);
        assertThat(ruleUses.keySet()).containsExactlyInAnyOrderElementsOf(KEY_SOURCES);
        assertThat(ruleUses.values()).allSatisfy(paths -> assertThat(paths).containsExactly("/Assertions/Assert/Fn::Not/Fn::And/Fn::Equals"));
    }
}

package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.auth.Caller;
import io.wanvideo.gateway.auth.TenantPolicy;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.service.GatewayStats;
import io.wanvideo.gateway.store.dynamodb.DynamoAccountStates;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Specs;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GET /v1/stats as the OpenAPI document describes it: what the code writes, for a tenant's key and an operator's,
 * walked against the document's schema (types, required fields, nothing undocumented, nulls only where nullable).
 */
class StatsDocumentTest {
    private static final TenantPolicy POLICY = new TenantPolicy(1000, 1000, 1.0, null);

    @Test
    void theStatsAreWhatTheDocumentSays() throws Exception {
        JsonNode doc = Json.tree(OpenApiDocument.text());
        JsonNode operation = doc.at("/paths/~1v1~1stats/get");
        assertThat(operation.at("/responses/200/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/Stats");
        assertThat(operation.get("responses").has("401")).isTrue();

        LocalAws aws = LocalAws.get();
        String table = aws.newTable();
        DynamoTaskStore store = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1));
        DynamoAccountStates accounts = new DynamoAccountStates(aws.dynamo(), table);
        Map<String, Integer> slots = new LinkedHashMap<>();
        slots.put("a", 5);
        slots.put("b", 2);
        accounts.recordCapacity("wan2.7-r2v", slots);
        long now = System.currentTimeMillis();
        VideoTask task = VideoTask.queued("video_x", "t1", Specs.r2v("a"), now - 5_000);
        store.countEnd(task.next().state(TaskState.COMPLETED).completedMs(now).build(), 1_200L);
        store.countEnd(task.next().state(TaskState.FAILED).completedMs(now).build(), null);
        GatewayStats stats = new GatewayStats(store, accounts, Clock.systemUTC());

        for (Caller caller : List.of(new Caller("t1", POLICY), new Caller("t1", POLICY, true))) {
            JsonNode written = Json.tree(Json.write(stats.report(caller)));
            List<String> problems = new ArrayList<>();
            conforms(doc, doc.at("/components/schemas/Stats"), written, "$", problems);
            assertThat(problems).as(written.toString()).isEmpty();
        }
    }

    /** A walk of the subset of OpenAPI 3.0 schemas the document uses. */
    static void conforms(JsonNode doc, JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (schema.has("$ref")) {
            conforms(doc, doc.at(schema.get("$ref").asText().substring(1)), value, path, problems);
            return;
        }
        if (value == null || value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(path + " is null but not nullable");
            }
            return;
        }
        String type = schema.path("type").asText();
        boolean typed = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "string" -> value.isTextual();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!typed) {
            problems.add(path + " is not " + type + ": " + value);
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.equals(value);
            }
            if (!listed) {
                problems.add(path + " is not in " + schema.get("enum"));
            }
        }
        if (type.equals("array")) {
            for (int i = 0; i < value.size(); i++) {
                conforms(doc, schema.get("items"), value.get(i), path + "[" + i + "]", problems);
            }
        }
        if (type.equals("object")) {
            JsonNode properties = schema.path("properties");
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    problems.add(path + "." + required.asText() + " is required but missing");
                }
            }
            for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (properties.has(name)) {
                    conforms(doc, properties.get(name), value.get(name), path + "." + name, problems);
                } else if (!schema.path("additionalProperties").asBoolean(true)) {
                    problems.add(path + "." + name + " is not documented");
                }
            }
        }
    }
}

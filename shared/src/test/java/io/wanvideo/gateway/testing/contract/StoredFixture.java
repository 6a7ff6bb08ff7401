package io.wanvideo.gateway.testing.contract;

import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.Usage;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.service.TaskIds;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.testing.Specs;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two tenants with a key each and tasks in the states a reader meets (queued, completed with a video, failed), stored
 * in a table; and the table's and bucket's contents counted, to tell that a refused request wrote nothing.
 */
public final class StoredFixture {
    public static final String OWNER_KEY = "sk-wan-property-owner-0001";
    public static final String OWNER = "tenant-property-owner";
    public static final String OTHER_KEY = "sk-wan-property-other-0002";
    public static final String OTHER = "tenant-property-other";
    public static final String OPERATOR_KEY = "sk-wan-property-operator-0003";
    public static final String OPERATOR = "tenant-property-operator";

    private StoredFixture() {}

    public static RouteRequests.Fixture store(DynamoDbClient dynamo, String table) {
        DynamoApiKeyStore keys = new DynamoApiKeyStore(dynamo, table);
        keys.put(ApiKeys.hash(OWNER_KEY), ApiKeyStore.ApiKeyRecord.of(OWNER));
        keys.put(ApiKeys.hash(OTHER_KEY), ApiKeyStore.ApiKeyRecord.of(OTHER));
        keys.put(ApiKeys.hash(OPERATOR_KEY), ApiKeyStore.ApiKeyRecord.operator(OPERATOR));
        DynamoTaskStore store = new DynamoTaskStore(dynamo, table, Duration.ofDays(1));
        TaskIds ids = new TaskIds(Clock.systemUTC());
        Map<String, RouteRequests.Fixture.Task> tasks = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        for (String tenant : new String[] {OWNER, OWNER, OTHER}) {
            VideoTask queued = VideoTask.queued(ids.next(), tenant, Specs.r2v("a cat"), now - 60_000);
            store.create(queued, Admission.UNLIMITED);
            tasks.put(queued.id(), new RouteRequests.Fixture.Task(tenant, TaskState.QUEUED));
        }
        for (String tenant : new String[] {OWNER, OTHER}) {
            VideoTask done = VideoTask.queued(ids.next(), tenant, Specs.i2v(null), now - 120_000);
            store.create(done, Admission.UNLIMITED);
            store.transition(done, done.next().state(TaskState.COMPLETED).upstreamId("up-" + done.id()).completedMs(now - 30_000)
                    .videoUrl("https://dashscope-result.oss/" + done.id() + ".mp4").videoExpiresMs(now + 86_400_000L)
                    .usage(new Usage(0, 5, 5, 0.75)).build());
            tasks.put(done.id(), new RouteRequests.Fixture.Task(tenant, TaskState.COMPLETED));
            VideoTask failed = VideoTask.queued(ids.next(), tenant, Specs.r2v("x"), now - 100_000);
            store.create(failed, Admission.UNLIMITED);
            store.transition(failed, failed.next().state(TaskState.FAILED).completedMs(now - 50_000)
                    .error(new TaskError("DataInspectionFailed", "The input did not pass inspection.")).build());
            tasks.put(failed.id(), new RouteRequests.Fixture.Task(tenant, TaskState.FAILED));
        }
        return new RouteRequests.Fixture(OWNER_KEY, OWNER, OTHER_KEY, OTHER, OPERATOR_KEY, OPERATOR, tasks);
    }

    /** What a table and a bucket hold: items, of which tasks, and objects. */
    public record Contents(int items, int tasks, int objects) {}

    public static Contents count(DynamoDbClient dynamo, String table, S3Client s3, String bucket) {
        int items = 0;
        int tasks = 0;
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> start = null;
        do {
            var from = start;
            ScanResponse page = dynamo.scan(s -> s.tableName(table).projectionExpression("pk").exclusiveStartKey(from));
            items += page.count();
            tasks += (int) page.items().stream().filter(i -> i.get("pk").s().startsWith("task#")).count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        int objects = bucket == null ? 0 : s3.listObjectsV2Paginator(l -> l.bucket(bucket)).contents().stream().mapToInt(o -> 1).sum();
        return new Contents(items, tasks, objects);
    }
}

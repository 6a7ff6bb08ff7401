package io.wanvideo.local;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Records every AWS call made in this JVM (registered for all SDK clients through
 * software/amazon/awssdk/global/handlers/execution.interceptors), as the IAM action it needs and the table or
 * queue it touches, attributed to whichever function {@link #actingAs} names.
 */
public final class AwsCallRecorder implements ExecutionInterceptor {
    /** One permission-relevant call: e.g. ("PollerFunction", "dynamodb:UpdateItem", "tasks-1", null). */
    public record Call(String function, String action, String resource, String index) {}

    private static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    /** S3 operations and the IAM action each needs, where the two names differ. */
    private static final java.util.Map<String, String> S3_ACTIONS = java.util.Map.of("DeleteObjects", "DeleteObject",
            "CreateMultipartUpload", "PutObject", "UploadPart", "PutObject", "CompleteMultipartUpload", "PutObject",
            "HeadObject", "GetObject");
    private static volatile String actingAs = "none";

    public static void actingAs(String function) {
        actingAs = function;
    }

    public static List<Call> calls() {
        return List.copyOf(CALLS);
    }

    public static void clear() {
        CALLS.clear();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        SdkRequest request = context.request();
        String prefix = service.equalsIgnoreCase("DynamoDb") ? "dynamodb" : service.toLowerCase(java.util.Locale.ROOT);
        if (request instanceof TransactWriteItemsRequest transact) {
            // A transaction needs the action of each item it writes.
            for (TransactWriteItem item : transact.transactItems()) {
                if (item.update() != null) {
                    record("dynamodb:UpdateItem", item.update().tableName(), null);
                }
                if (item.put() != null) {
                    record("dynamodb:PutItem", item.put().tableName(), null);
                }
                if (item.delete() != null) {
                    record("dynamodb:DeleteItem", item.delete().tableName(), null);
                }
                if (item.conditionCheck() != null) {
                    record("dynamodb:ConditionCheckItem", item.conditionCheck().tableName(), null);
                }
            }
            return;
        }
        if (request instanceof BatchGetItemRequest batch) {
            batch.requestItems().keySet().forEach(table -> record("dynamodb:BatchGetItem", table, null));
            return;
        }
        String resource = request.getValueForField("TableName", String.class)
                .or(() -> request.getValueForField("QueueUrl", String.class))
                .or(() -> request.getValueForField("Bucket", String.class))
                .orElse(null);
        String index = request instanceof QueryRequest q ? q.indexName() : null;
        record(prefix + ":" + (prefix.equals("s3") ? S3_ACTIONS.getOrDefault(operation, operation) : operation), resource, index);
    }

    private static void record(String action, String resource, String index) {
        CALLS.add(new Call(actingAs, action, resource, index));
    }
}

package io.wanvideo.local.bench;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import java.util.Map;

/**
 * Prints each AWS call a probe JVM makes ({@code @call DynamoDb:GetItem task#…}, with what it reads: the index a
 * query reads, the keys a batch reads, the kind of item), so the cold-start benchmark can check
 * that the floor makes the same calls as the function. Registered only in the benchmark's untimed recording runs,
 * through a software/amazon/awssdk/global/handlers/execution.interceptors file on the class path.
 */
public final class ColdStartCalls implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        System.out.println("@call " + attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + detail(context.request()));
    }

    private static String detail(Object request) {
        if (request instanceof QueryRequest q) {
            return " " + q.indexName();
        }
        if (request instanceof BatchGetItemRequest b) {
            return " " + b.requestItems().values().stream().mapToInt(k -> k.keys().size()).sum() + " keys "
                    + b.requestItems().values().stream().flatMap(k -> k.keys().stream()).map(ColdStartCalls::kind).distinct().toList();
        }
        if (request instanceof GetItemRequest g) {
            return " " + kind(g.key());
        }
        if (request instanceof UpdateItemRequest u) {
            return " " + kind(u.key());
        }
        return "";
    }

    /** The kind of item a key names: its partition key up to the first '#'. */
    private static String kind(Map<String, AttributeValue> key) {
        return key.values().stream().map(AttributeValue::s).filter(v -> v != null).findFirst()
                .map(v -> v.contains("#") ? v.substring(0, v.indexOf('#') + 1) : v).orElse("?");
    }
}

package io.wanvideo.local.bench;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Prints each AWS call a probe JVM makes ({@code @call DynamoDb:GetItem}), so the cold-start benchmark can check
 * that the floor makes the same calls as the function. Registered only in the benchmark's untimed recording runs,
 * through a software/amazon/awssdk/global/handlers/execution.interceptors file on the class path.
 */
public final class ColdStartCalls implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        System.out.println("@call " + attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }
}

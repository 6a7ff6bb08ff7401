package io.wanvideo.gateway.testing.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The AWS calls a piece of code makes on this thread, as "service:Operation" (dynamodb:TransactWriteItems,
 * sqs:SendMessage, s3:PutObject): how a property tells that a refused request wrote nothing anywhere, read no
 * further than it had to, whatever the handler's clients are. Registered for every SDK client of the test JVM in
 * src/test/resources/software/amazon/awssdk/global/handlers/execution.interceptors; it records only inside
 * {@link #during}, and only the calls of the thread that asked.
 */
public final class AwsCalls implements ExecutionInterceptor {
    private static final ThreadLocal<List<String>> RECORDING = new ThreadLocal<>();

    /** A run of code and the calls it made. */
    public record Recorded<T>(T value, List<String> calls) {
        /** The calls that change something: anything but reads (Get*, List*, Describe*, Head*, Query, Scan, ...). */
        public List<String> writes() {
            return calls.stream().filter(call -> !isRead(call.substring(call.indexOf(':') + 1))).toList();
        }
    }

    public static <T> Recorded<T> during(Supplier<T> code) {
        List<String> calls = new ArrayList<>();
        RECORDING.set(calls);
        try {
            return new Recorded<>(code.get(), List.copyOf(calls));
        } finally {
            RECORDING.remove();
        }
    }

    static boolean isRead(String operation) {
        return operation.startsWith("Get") || operation.startsWith("List") || operation.startsWith("Describe")
                || operation.startsWith("Head") || operation.equals("Query") || operation.equals("Scan")
                || operation.equals("BatchGetItem") || operation.equals("TransactGetItems");
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        List<String> calls = RECORDING.get();
        if (calls != null) {
            calls.add(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME).toLowerCase(Locale.ROOT) + ":"
                    + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    }
}

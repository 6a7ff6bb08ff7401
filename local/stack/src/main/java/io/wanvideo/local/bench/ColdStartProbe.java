package io.wanvideo.local.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What the cold-start benchmark runs in each fresh JVM, on the class path of one function's jar (first) and this
 * jar (only this class and the SnapStart stand-in are loaded from it). It prints {@code @probe <mark> <nanoTime>}
 * lines the benchmark reads; System.nanoTime is the machine's monotonic clock, shared with the benchmark process.
 *
 * <ul>
 *   <li>{@code function <handler class> <event.properties> cold}: build the handler by its no-argument
 *       constructor (Lambda's init), invoke it with the event, then again (warm);</li>
 *   <li>{@code function <handler class> <event.properties> primed}: build it, run the SnapStart hooks as Lambda
 *       does around a snapshot (before-checkpoint, then after-restore), then invoke it twice;</li>
 *   <li>{@code floor <submit|status|poller>}: the floor, a JVM that builds the SDK clients the function builds
 *       and makes the AWS calls its sample invocation makes, and nothing else; then makes them again (warm).</li>
 * </ul>
 *
 * The event is rebuilt from a flat properties file with setters, so no JSON library is loaded on the function's
 * behalf: Lambda's runtime deserialises events with its own.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {}

    public static void main(String[] args) throws Exception {
        mark("main");
        if (args[0].equals("function")) {
            function(args[1], properties(args[2]), args[3].equals("primed"));
        } else {
            ColdStartFloor.run(args[1], properties(args[2]));
        }
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    static void mark(String name) {
        System.out.println("@probe " + name + " " + System.nanoTime());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void function(String handlerClass, Properties event, boolean primed) throws Exception {
        RequestHandler handler = (RequestHandler) Class.forName(handlerClass).getConstructor().newInstance();
        mark("init");
        if (primed) {
            io.wanvideo.local.snapstart.Core.checkpoint();
            mark("checkpoint");
            io.wanvideo.local.snapstart.Core.restore();
            mark("restore");
        }
        Object first = handler.handleRequest(event(event), new ProbeContext("probe-1"));
        mark("first");
        System.out.println("@result " + summary(first));
        Object second = handler.handleRequest(event(event), new ProbeContext("probe-2"));
        mark("second");
        System.out.println("@result " + summary(second));
    }

    private static String summary(Object response) {
        if (response instanceof com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse http) {
            return Integer.toString(http.getStatusCode());
        }
        if (response instanceof com.amazonaws.services.lambda.runtime.events.SQSBatchResponse batch) {
            return "failures=" + batch.getBatchItemFailures().size();
        }
        return String.valueOf(response);
    }

    static Properties properties(String file) throws Exception {
        Properties p = new Properties();
        try (InputStream in = new FileInputStream(file)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    /** An API Gateway HTTP event or an SQS batch, from the properties the benchmark wrote. */
    static Object event(Properties p) {
        if (p.getProperty("kind").equals("sqs")) {
            List<SQSEvent.SQSMessage> records = new ArrayList<>();
            for (int i = 0; p.containsKey("record." + i + ".body"); i++) {
                SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
                m.setMessageId(p.getProperty("record." + i + ".id"));
                m.setBody(p.getProperty("record." + i + ".body"));
                m.setEventSourceArn(p.getProperty("record." + i + ".arn"));
                m.setAttributes(Map.of("ApproximateReceiveCount", "1"));
                records.add(m);
            }
            SQSEvent event = new SQSEvent();
            event.setRecords(records);
            return event;
        }
        Map<String, String> headers = new HashMap<>();
        Map<String, String> path = new HashMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith("header.")) {
                headers.put(name.substring(7), p.getProperty(name));
            } else if (name.startsWith("path.")) {
                path.put(name.substring(5), p.getProperty(name));
            }
        }
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(p.getProperty("routeKey"))
                .withRawPath(p.getProperty("rawPath"))
                .withRawQueryString(p.getProperty("rawQueryString", ""))
                .withHeaders(headers)
                .withPathParameters(path.isEmpty() ? null : path)
                .withBody(p.getProperty("body"))
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("probe")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(p.getProperty("method"))
                                .withPath(p.getProperty("rawPath"))
                                .withSourceIp("203.0.113.10")
                                .build())
                        .build())
                .build();
    }

    static URI endpoint(String service) {
        return URI.create(System.getenv("AWS_ENDPOINT_URL_" + service));
    }

    /** What Lambda hands a handler, reduced to what ours read. */
    private record ProbeContext(String requestId) implements Context {
        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/probe";
        }

        @Override
        public String getLogStreamName() {
            return "probe";
        }

        @Override
        public String getFunctionName() {
            return "probe";
        }

        @Override
        public String getFunctionVersion() {
            return "1";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:000000000000:function:probe:1";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return 10_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.out.print(message);
                }

                @Override
                public void log(byte[] message) {
                    System.out.print(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}

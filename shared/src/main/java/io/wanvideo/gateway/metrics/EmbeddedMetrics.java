package io.wanvideo.gateway.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanvideo.gateway.json.Json;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * {@link Metrics} in CloudWatch's embedded metric format: one JSON object per line on standard output, which Lambda
 * sends to CloudWatch Logs, where the metric is extracted. No API call on the way and no permission beyond the logs
 * every function already writes.
 */
public final class EmbeddedMetrics implements Metrics {
    public static final String NAMESPACE = "WanVideoGateway";

    private final PrintStream out;
    private final Clock clock;

    public EmbeddedMetrics(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    public static EmbeddedMetrics toStandardOutput() {
        return new EmbeddedMetrics(System.out, Clock.systemUTC());
    }

    @Override
    public void count(String name, Map<String, String> dimensions) {
        out.println(line(name, dimensions, clock.millis()));
    }

    static String line(String name, Map<String, String> dimensions, long nowMs) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", nowMs);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode dimensionSet = directive.putArray("Dimensions").addArray();
        dimensions.keySet().forEach(dimensionSet::add);
        directive.putArray("Metrics").addObject().put("Name", name).put("Unit", "Count");
        dimensions.forEach(root::put);
        root.put(name, 1);
        return Json.write(root);
    }
}

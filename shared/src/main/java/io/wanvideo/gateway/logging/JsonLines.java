package io.wanvideo.gateway.logging;

import java.io.PrintStream;
import java.util.Map;
import org.apache.logging.log4j.Level;

/**
 * One log event as one line of JSON, the fields Lambda's own JSON log format uses (timestamp, level, message,
 * logger; errorType, errorMessage, stackTrace for an exception) plus every thread-context entry (request_id, task_id),
 * so CloudWatch filters by level and Logs Insights queries by field. Written without a JSON library: logging must work
 * before, and cost nothing beside, everything else.
 */
final class JsonLines {
    /** Earlier spellings of the context keys (Lambda's runtime, another branch), written under the current names. */
    private static final Map<String, String> ALIASES = Map.of("AWSRequestId", LogContext.REQUEST_ID, "taskId", LogContext.TASK_ID);

    private JsonLines() {}

    static String line(long epochMs, Level level, String logger, String message, Map<String, String> context, Throwable error) {
        StringBuilder out = new StringBuilder(160 + (message == null ? 4 : message.length()));
        out.append("{\"timestamp\":\"");
        timestamp(out, epochMs);
        out.append("\",\"level\":\"").append(level.name()).append("\",\"logger\":");
        string(out, logger);
        out.append(",\"message\":");
        string(out, message);
        if (context != null) {
            for (Map.Entry<String, String> e : context.entrySet()) {
                out.append(',');
                string(out, ALIASES.getOrDefault(e.getKey(), e.getKey()));
                out.append(':');
                string(out, e.getValue());
            }
        }
        if (error != null) {
            out.append(",\"errorType\":");
            string(out, error.getClass().getName());
            out.append(",\"errorMessage\":");
            string(out, error.getMessage());
            out.append(",\"stackTrace\":[");
            stack(out, error, "");
            out.append(']');
        }
        return out.append("}\n").toString();
    }

    static void write(PrintStream to, String line) {
        // One write per line: lines of parallel workers never interleave.
        synchronized (to) {
            to.print(line);
            to.flush();
        }
    }

    private static void stack(StringBuilder out, Throwable error, String prefix) {
        boolean first = prefix.isEmpty();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!first) {
                out.append(',');
                string(out, "Caused by: " + t);
            } else {
                string(out, t.toString());
                first = false;
            }
            for (StackTraceElement element : t.getStackTrace()) {
                out.append(',');
                string(out, "at " + element);
            }
        }
    }

    static void string(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** ISO-8601 in UTC with milliseconds, from the civil-from-days algorithm (no java.time formatter to load). */
    static void timestamp(StringBuilder out, long epochMs) {
        long days = Math.floorDiv(epochMs, 86_400_000L);
        long msOfDay = Math.floorMod(epochMs, 86_400_000L);
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        pad(out, year, 4).append('-');
        pad(out, month, 2).append('-');
        pad(out, day, 2).append('T');
        pad(out, msOfDay / 3_600_000, 2).append(':');
        pad(out, msOfDay / 60_000 % 60, 2).append(':');
        pad(out, msOfDay / 1000 % 60, 2).append('.');
        pad(out, msOfDay % 1000, 3).append('Z');
    }

    private static StringBuilder pad(StringBuilder out, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }
}

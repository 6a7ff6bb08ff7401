package io.wanvideo.dashscope.simulator;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Map;
import java.util.Set;

/**
 * The filters of {@code GET /api/v1/tasks}, as the "Asynchronous task management API" page documents them
 * (LISTING.md has the details and what the page leaves open).
 *
 * @param taskId    only this task, whatever the time window (null: all)
 * @param fromMs    tasks created at or after this
 * @param untilMs   tasks created before this (end_time's whole second is included)
 * @param modelName only this model (null: all)
 * @param status    only this status (null: all)
 */
record ListQuery(String taskId, long fromMs, long untilMs, String modelName, String status, int pageNo, int pageSize) {

    static final long MAX_WINDOW_MS = 24 * 3600_000L;
    static final int DEFAULT_PAGE_SIZE = 10;
    /** Undocumented; a client that stays within it works whatever DashScope's real bound is. */
    static final int MAX_PAGE_SIZE = 100;
    static final Set<String> STATUSES = Set.of("PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN");
    /** YYYYMMDDhhmmss with no zone; read in UTC+8, the zone of the query's submit_time (the page does not say). */
    static final ZoneOffset ZONE = ZoneOffset.ofHours(8);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);

    static ListQuery parse(Map<String, String> params, long now) {
        Long start = time(params, "start_time");
        Long end = time(params, "end_time");
        long from;
        long until;
        if (start == null && end == null) {
            from = now - MAX_WINDOW_MS;
            until = now + 1;
        } else if (start == null) {
            from = end - MAX_WINDOW_MS;
            until = end + 1000;
        } else if (end == null) {
            from = start;
            until = start + MAX_WINDOW_MS + 1000;
        } else {
            if (end < start) {
                throw Refusal.invalid("end_time must not be before start_time.");
            }
            if (end - start > MAX_WINDOW_MS) {
                throw Refusal.invalid("The time range between start_time and end_time must not exceed 24 hours.");
            }
            from = start;
            until = end + 1000;
        }
        String status = blankToNull(params.get("status"));
        if (status != null && !STATUSES.contains(status)) {
            throw Refusal.invalid("status must be one of PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED, UNKNOWN.");
        }
        int pageNo = integer(params, "page_no", 1);
        int pageSize = integer(params, "page_size", DEFAULT_PAGE_SIZE);
        if (pageNo < 1) {
            throw Refusal.invalid("page_no must be a positive integer.");
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw Refusal.invalid("page_size must be between 1 and " + MAX_PAGE_SIZE + ".");
        }
        return new ListQuery(blankToNull(params.get("task_id")), from, until, blankToNull(params.get("model_name")), status,
                pageNo, pageSize);
    }

    boolean matches(SimTask task, String statusNow) {
        if (taskId != null) {
            return task.id().equals(taskId) && (status == null || status.equals(statusNow))
                    && (modelName == null || modelName.equals(task.model()));
        }
        return task.createdMs() >= fromMs && task.createdMs() < untilMs
                && (modelName == null || modelName.equals(task.model()))
                && (status == null || status.equals(statusNow));
    }

    /** The form the request carries, e.g. for a test building one. */
    static String format(long epochMs) {
        return TIME.format(LocalDateTime.ofEpochSecond(Math.floorDiv(epochMs, 1000), 0, ZONE));
    }

    private static Long time(Map<String, String> params, String name) {
        String text = blankToNull(params.get(name));
        if (text == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(text, TIME).toInstant(ZONE).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw Refusal.invalid(name + " must be in the format YYYYMMDDhhmmss, got '" + text + "'.");
        }
    }

    private static int integer(Map<String, String> params, String name, int fallback) {
        String text = blankToNull(params.get(name));
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw Refusal.invalid(name + " must be an integer, got '" + text + "'.");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}

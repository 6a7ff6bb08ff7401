package io.wanvideo.gateway.storage;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a task's objects live in the bucket: {@code results/<task>.mp4} for the finished video and
 * {@code inputs/<task>/<n>.<ext>} for its offloaded media, so that one prefix holds one task's inputs.
 */
public final class ObjectKeys {
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,8}");
    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("image/jpeg", "jpg"), Map.entry("image/png", "png"), Map.entry("image/bmp", "bmp"),
            Map.entry("image/webp", "webp"), Map.entry("video/mp4", "mp4"), Map.entry("video/quicktime", "mov"),
            Map.entry("audio/mpeg", "mp3"), Map.entry("audio/wav", "wav"), Map.entry("audio/x-wav", "wav"));

    private ObjectKeys() {}

    public static String result(String taskId) {
        return "results/" + checkedTaskId(taskId) + ".mp4";
    }

    /** @param index the media item's position in the request, from 0 */
    public static String input(String taskId, int index, String extension) {
        if (index < 0) {
            throw new IllegalArgumentException("input index must not be negative: " + index);
        }
        if (!EXTENSION.matcher(extension).matches()) {
            throw new IllegalArgumentException("not a file extension: " + extension);
        }
        return inputsPrefix(taskId) + index + "." + extension;
    }

    /** Every input key of the task starts with this. */
    public static String inputsPrefix(String taskId) {
        return "inputs/" + checkedTaskId(taskId) + "/";
    }

    /** The file extension for a media content type ({@code image/png} gives {@code png}); {@code bin} if unknown. */
    public static String extensionFor(String contentType) {
        String base = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return EXTENSIONS.getOrDefault(base, "bin");
    }

    private static String checkedTaskId(String taskId) {
        // A slash or dot segment in an id would let one task's keys reach into another's.
        if (taskId == null || !TASK_ID.matcher(taskId).matches()) {
            throw new IllegalArgumentException("not a task id: " + taskId);
        }
        return taskId;
    }
}

package io.wanvideo.dashscope.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's memory across restarts: an append-only file of JSON lines, one per created task and one per
 * cancel, in {@code dataDir/tasks.jsonl}. DashScope never forgets a task because its caller restarted, so neither
 * does the simulator.
 *
 * <p>A line is written whole or, if the process dies in the middle of it, left without its newline; opening the
 * journal drops such a tail (and cuts it off the file, so the next line starts clean). Lines reach the operating
 * system on every write, which outlives a killed process; they are not forced to disk.
 */
final class TaskJournal implements AutoCloseable {
    static final String FILE_NAME = "tasks.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** One line: {@code created} with the task, or {@code canceled} with the task id and time. */
    record Entry(String event, SimTask task, String taskId, Long atMs) {
        static Entry created(SimTask task) {
            return new Entry("created", task, null, null);
        }

        static Entry canceled(String taskId, long atMs) {
            return new Entry("canceled", null, taskId, atMs);
        }
    }

    private final Path file;
    private final List<SimTask> loaded;
    private FileChannel channel;

    private TaskJournal(Path file, List<SimTask> loaded, FileChannel channel) {
        this.file = file;
        this.loaded = loaded;
        this.channel = channel;
    }

    /** A journal that keeps nothing: tasks live as long as the process. */
    static TaskJournal inMemory() {
        return new TaskJournal(null, List.of(), null);
    }

    /** Opens (or creates) the journal in {@code dir} and reads what it holds. */
    static TaskJournal open(Path dir) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(FILE_NAME);
            byte[] content = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            int complete = lastNewline(content) + 1;
            List<SimTask> tasks = replay(new String(content, 0, complete, StandardCharsets.UTF_8), file);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            // Two simulators appending to one journal would interleave their lines; the second one is refused.
            if (lock(channel) == null) {
                channel.close();
                throw new IllegalStateException(file + " is in use by another simulator");
            }
            // A line cut short by a crash is not a task; cut it off so the next line starts on its own.
            channel.truncate(complete);
            channel.position(complete);
            return new TaskJournal(file, tasks, channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the simulator's task journal in " + dir, e);
        }
    }

    /** The tasks the journal held when opened, cancels applied, oldest first. */
    List<SimTask> loaded() {
        return loaded;
    }

    void created(SimTask task) {
        append(Entry.created(task));
    }

    void canceled(String taskId, long atMs) {
        append(Entry.canceled(taskId, atMs));
    }

    /** Forgets every task (the simulator's reset). */
    void clear() {
        if (channel == null) {
            return;
        }
        try {
            channel.truncate(0);
            channel.position(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + file, e);
        }
    }

    @Override
    public void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        } finally {
            channel = null;
        }
    }

    private void append(Entry entry) {
        if (channel == null) {
            return;
        }
        try {
            ByteBuffer line = ByteBuffer.wrap((JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8));
            while (line.hasRemaining()) {
                channel.write(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + file, e);
        }
    }

    private static List<SimTask> replay(String text, Path file) {
        Map<String, SimTask> tasks = new LinkedHashMap<>();
        int number = 0;
        for (String line : text.split("\n")) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            Entry entry;
            try {
                entry = JSON.readValue(line, Entry.class);
            } catch (JsonProcessingException e) {
                // Only the last line can be torn by a crash, and that one never gets here; say so, keep the rest.
                System.err.println("dashscope-simulator: skipping unreadable line " + number + " of " + file);
                continue;
            }
            if ("created".equals(entry.event()) && entry.task() != null) {
                tasks.put(entry.task().id(), entry.task());
            } else if ("canceled".equals(entry.event()) && tasks.containsKey(entry.taskId())) {
                tasks.computeIfPresent(entry.taskId(), (id, t) -> t.canceledAt(entry.atMs()));
            }
        }
        return new ArrayList<>(tasks.values());
    }

    private static FileLock lock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static int lastNewline(byte[] content) {
        for (int i = content.length - 1; i >= 0; i--) {
            if (content[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}

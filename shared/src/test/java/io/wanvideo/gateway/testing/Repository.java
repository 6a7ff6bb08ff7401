package io.wanvideo.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files at the repository's root (events/, template.yaml), found from any module's working directory. */
public final class Repository {
    private Repository() {}

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("events")) && Files.isRegularFile(dir.resolve("pom.xml"))
                && Files.isDirectory(dir.resolve("shared")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the repository");
        }
        return dir;
    }

    public static String path(String relative) {
        return root().resolve(relative).toString();
    }
}

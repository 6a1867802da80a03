package io.pgwarden.tune;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the kernel's files (/sys/fs/cgroup, /proc) under a root directory: {@code /} in production,
 * a temporary tree in tests, so detection is tested on any cgroup layout without the machine's own.
 */
public final class SystemFiles {
    private final Path root;

    public SystemFiles(Path root) {
        this.root = root;
    }

    /** The machine's own files. */
    public static SystemFiles machine() {
        return new SystemFiles(Path.of("/"));
    }

    /** The file's content, trimmed; empty when it does not exist or cannot be read. */
    public Optional<String> read(String absolutePath) {
        Path p = resolve(absolutePath);
        try {
            return Files.isRegularFile(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8).trim()) : Optional.empty();
        } catch (IOException | SecurityException e) {
            // unreadable kernel files mean "not available here"; detection falls through to the next source
            return Optional.empty();
        }
    }

    public boolean exists(String absolutePath) {
        return Files.exists(resolve(absolutePath));
    }

    private Path resolve(String absolutePath) {
        return root.resolve(absolutePath.startsWith("/") ? absolutePath.substring(1) : absolutePath);
    }
}

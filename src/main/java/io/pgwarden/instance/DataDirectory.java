package io.pgwarden.instance;

import io.pgwarden.core.PgVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Read-only facts about a data directory, gathered before anything is written. */
public final class DataDirectory {
    /** What is at the data directory path. */
    public enum State {
        /** Nothing there yet: it will be created and initialised. */
        MISSING,
        /** An empty directory (e.g. a fresh volume): it will be initialised. */
        EMPTY,
        /** A PostgreSQL data directory ({@code PG_VERSION} present): it will be reused. */
        INITIALIZED,
        /** Not empty and not a data directory: pgwarden refuses to touch it. */
        FOREIGN,
        /** A file, not a directory. */
        NOT_A_DIRECTORY
    }

    private final Path path;

    public DataDirectory(Path path) {
        this.path = path.toAbsolutePath().normalize();
    }

    public Path path() {
        return path;
    }

    public State state() {
        if (!Files.exists(path)) {
            return State.MISSING;
        }
        if (!Files.isDirectory(path)) {
            return State.NOT_A_DIRECTORY;
        }
        if (Files.isRegularFile(path.resolve("PG_VERSION"))) {
            return State.INITIALIZED;
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.findAny().isEmpty() ? State.EMPTY : State.FOREIGN;
        } catch (IOException e) {
            return State.FOREIGN;
        }
    }

    /** The major written in {@code PG_VERSION}, if the directory is initialised and the file is readable. */
    public Optional<PgVersion> version() {
        try {
            return Optional.of(PgVersion.parse(Files.readString(path.resolve("PG_VERSION")).strip()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The raw {@code PG_VERSION} text, for messages about unsupported versions. */
    public String versionText() {
        try {
            return Files.readString(path.resolve("PG_VERSION")).strip();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /**
     * The PID of a live postmaster that owns this directory according to {@code postmaster.pid}, if any.
     * A stale file (process gone, or the PID reused by a program that is not PostgreSQL) is ignored,
     * as PostgreSQL itself does.
     */
    public Optional<Long> runningPostmaster() {
        Optional<PostmasterPid> pid = PostmasterPid.read(path);
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid.get().pid());
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return Optional.empty();
        }
        Optional<String> command = handle.get().info().command();
        if (command.isPresent() && !List.of("postgres", "postmaster").contains(Path.of(command.get()).getFileName().toString())) {
            return Optional.empty();
        }
        return Optional.of(pid.get().pid());
    }
}

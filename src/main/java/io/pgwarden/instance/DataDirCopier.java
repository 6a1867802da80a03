package io.pgwarden.instance;

import io.pgwarden.core.ByteSize;
import io.pgwarden.core.Clock;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Copies a running primary's data directory between {@code pg_backup_start} and {@code pg_backup_stop},
 * leaving out what PostgreSQL's documentation ("Making a Base Backup Using the Low Level API") and
 * pg_basebackup leave out: the contents of pg_wal, pg_replslot, pg_dynshmem, pg_notify, pg_serial,
 * pg_snapshots, pg_stat_tmp and pg_subtrans (the directories themselves are recreated empty),
 * postmaster.pid, postmaster.opts, backup_label, tablespace_map, pg_internal.init, pgsql_tmp*, and
 * pgwarden's own server log directory and Unix sockets. {@code global/pg_control} is copied last, as
 * pg_basebackup does. Files that vanish during the copy are skipped: WAL replay recreates them.
 * Copies are owner-only (0700 directories, 0600 files) and owned by the server user.
 */
final class DataDirCopier {
    /** Directories whose contents are not copied (the directory is recreated empty). */
    static final Set<String> EMPTY_DIRS = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
            "pg_snapshots", "pg_stat_tmp", "pg_subtrans", ReplicaCloner.LOG_DIR);
    /** Top-level files not copied. */
    static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map",
            "backup_label.old", "tablespace_map.old", "standby.signal", "recovery.signal", StandbyConfig.PASSFILE);
    /** A progress line every 2 s keeps a long copy visibly alive without flooding the terminal. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    private final ServerFiles files;
    private final Clock clock;

    DataDirCopier(ServerFiles files, Clock clock) {
        this.files = files;
        this.clock = clock;
    }

    /** Copies {@code source} into the existing empty {@code target}; returns the bytes copied. */
    long copy(Path source, Path target, Consumer<String> progress) throws IOException {
        long total = plannedSize(source);
        AtomicLong copied = new AtomicLong();
        long[] lastReport = {clock.nanoTime()};
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = source.relativize(dir);
                if (!rel.toString().isEmpty()) {
                    files.createPrivateDirectory(target.resolve(rel.toString()));
                }
                if (rel.getNameCount() == 1 && EMPTY_DIRS.contains(rel.toString())) {
                    if (rel.toString().equals("pg_wal")) {
                        files.createPrivateDirectory(target.resolve("pg_wal/archive_status"));
                        if (Files.isDirectory(dir.resolve("summaries"))) {
                            files.createPrivateDirectory(target.resolve("pg_wal/summaries"));
                        }
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path rel = source.relativize(file);
                if (skipped(rel, attrs) || rel.toString().equals("global/pg_control")) {
                    return FileVisitResult.CONTINUE;
                }
                copied.addAndGet(copyFile(file, target.resolve(rel.toString())));
                long now = clock.nanoTime();
                if (now - lastReport[0] >= PROGRESS_EVERY.toNanos()) {
                    lastReport[0] = now;
                    progress.accept(line(copied.get(), total));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // removed while we walked: replay recreates what matters
                }
                throw e;
            }
        });
        copied.addAndGet(copyFile(source.resolve("global/pg_control"), target.resolve("global/pg_control")));
        progress.accept(line(copied.get(), copied.get())); // done: files may have grown or vanished meanwhile
        return copied.get();
    }

    static boolean skipped(Path rel, BasicFileAttributes attrs) {
        String name = rel.getFileName().toString();
        if (!attrs.isRegularFile()) {
            return true; // sockets, and symbolic links (tablespaces are refused before the copy)
        }
        if (rel.getNameCount() == 1 && (SKIPPED_FILES.contains(name) || name.startsWith(".s.PGSQL."))) {
            return true;
        }
        return name.equals("pg_internal.init") || name.startsWith("pgsql_tmp");
    }

    private long copyFile(Path from, Path to) throws IOException {
        try {
            Files.copy(from, to);
        } catch (NoSuchFileException e) {
            return 0;
        }
        Files.setPosixFilePermissions(to, ServerFiles.OWNER_ONLY_FILE);
        files.chown(to);
        return Files.size(to);
    }

    private static String line(long copied, long total) {
        long pct = total <= 0 ? 100 : Math.min(100, copied * 100 / total);
        return "copied " + new ByteSize(copied).toHuman() + " of " + new ByteSize(total).toHuman() + " (" + pct + "%)";
    }

    /** The size of what {@link #copy} will copy, for the percentage; files that vanish meanwhile count as 0. */
    static long plannedSize(Path source) throws IOException {
        AtomicLong total = new AtomicLong();
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                Path rel = source.relativize(dir);
                return rel.getNameCount() == 1 && EMPTY_DIRS.contains(rel.toString()) ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!skipped(source.relativize(file), attrs)) {
                    total.addAndGet(attrs.size());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return total.get();
    }

    /** The total size of the regular files under {@code dir}, skipping files that vanish meanwhile. */
    static long treeSize(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.mapToLong(p -> {
                try {
                    return Files.isRegularFile(p) ? Files.size(p) : 0;
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (java.io.UncheckedIOException e) {
            return 0; // unknown: progress then shows only what was copied
        }
    }
}

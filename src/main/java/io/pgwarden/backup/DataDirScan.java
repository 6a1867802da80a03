package io.pgwarden.backup;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The files and directories of a data directory that a base backup copies, with the exclusions of PostgreSQL's
 * own base backup (basebackup.c): runtime files and directories whose contents are rebuilt at start or replayed
 * from WAL are left out, their directories kept.
 */
final class DataDirScan {
    /** Files never copied: the running server's, and those the backup itself provides (backup_label). */
    static final Set<String> EXCLUDED_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map",
            "backup_label.old", "backup_manifest", "postgresql.auto.conf.tmp", "current_logfiles.tmp", "pg_internal.init",
            "current_logfiles", "standby.signal", "recovery.signal");
    /** Directories copied empty. */
    static final Set<String> EMPTIED_DIRS = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
            "pg_snapshots", "pg_stat_tmp", "pg_subtrans");

    record Scan(List<Path> directories, List<Path> files, long bytes) {
    }

    private DataDirScan() {
    }

    /** Relative paths of what to copy, directories first-seen order, files sorted largest first (even parallel load). */
    static Scan scan(Path dataDir) throws IOException {
        List<Path> dirs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        long[] bytes = {0};
        Files.walkFileTree(dataDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                Path rel = dataDir.relativize(dir);
                if (rel.toString().isEmpty()) {
                    return FileVisitResult.CONTINUE;
                }
                dirs.add(rel);
                if (rel.getNameCount() == 1 && EMPTIED_DIRS.contains(rel.toString())) {
                    if (rel.toString().equals("pg_wal")) {
                        dirs.add(rel.resolve("archive_status"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (rel.getFileName().toString().startsWith("pgsql_tmp")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                Path rel = dataDir.relativize(file);
                String name = rel.getFileName().toString();
                if (!attrs.isRegularFile() || EXCLUDED_FILES.contains(name) || name.startsWith("pgsql_tmp")) {
                    return FileVisitResult.CONTINUE;
                }
                files.add(rel);
                bytes[0] += attrs.size();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // dropped while we scan: WAL replay removes it anyway
                }
                throw e;
            }
        });
        files.sort((a, b) -> Long.compare(size(dataDir.resolve(b)), size(dataDir.resolve(a))));
        return new Scan(dirs, files, bytes[0]);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}

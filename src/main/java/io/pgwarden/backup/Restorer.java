package io.pgwarden.backup;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.Privileges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pgwarden restore}: checks first ({@link RestoreCheck}, the directory), then writes the backup's files
 * into the data directory, {@code global/pg_control} last (a restore killed half-way leaves a directory PostgreSQL
 * refuses to start, never one it starts from inconsistent files), then {@code recovery.signal} and the recovery
 * settings in {@code postgresql.auto.conf}: {@code restore_command} runs {@code pgwarden wal fetch} from the same
 * repository, and the target. The server then recovers when it is started ({@code pgwarden up}, {@code run} or
 * pg_ctl); PostgreSQL 13+ stops with FATAL "recovery ended before configured recovery target was reached" rather
 * than promote at an unreached target. With {@code delta}, only files whose SHA-256 differs are rewritten and files
 * the backup does not have are removed.
 */
public final class Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);
    static final String AUTO_CONF_MARKER = "# pgwarden restore: recovery settings";

    private final BackupRepository repo;
    private final Clock clock;

    /**
     * @param walCommand the command that runs pgwarden, for restore_command ({@code /usr/bin/pgwarden},
     *                   {@code java -jar /opt/pgwarden.jar})
     * @param repoLocation the repository as restore_command must name it
     */
    public record Request(Path dataDir, String backupId, RecoveryTarget target, boolean delta, int parallel,
            String walCommand, String repoLocation) {
    }

    public record Result(String backupId, RecoveryTarget target, int written, int unchanged, int removed, long bytes,
            Duration took, WalChain chain) {
    }

    public Restorer(BackupRepository repo, Clock clock) {
        this.repo = repo;
        this.clock = clock;
    }

    public Result execute(Request req) {
        long t0 = clock.nanoTime();
        try {
            RestoreCheck.Plan plan = RestoreCheck.plan(Catalog.read(repo), req.backupId(), req.target(), repo.describe());
            Path dir = req.dataDir().toAbsolutePath().normalize();
            checkDirectory(dir, req.delta());
            BackupManifest m = plan.backup().manifest();
            LOG.info("restoring backup {} into {} to {}", m.id(), dir, req.target().describe());
            UserPrincipal owner = prepare(dir);
            for (String d : m.directories()) {
                mkdir(dir.resolve(d), owner);
            }
            Set<String> inBackup = new HashSet<>();
            m.files().forEach(f -> inBackup.add(f.path()));
            int removed = req.delta() ? removeExtra(dir, inBackup, m.directories()) : 0;
            List<BackupManifest.FileEntry> last = m.files().stream().filter(f -> f.path().equals("global/pg_control")).toList();
            List<BackupManifest.FileEntry> first = m.files().stream().filter(f -> !f.path().equals("global/pg_control")).toList();
            FileRestorer files = new FileRestorer(repo, m, dir, owner, req.delta());
            FileRestorer.Counts a = files.restore(first, req.parallel());
            writeRecoveryConfig(dir, owner, req);
            FileRestorer.Counts b = files.restore(last, 1);
            Result r = new Result(m.id(), req.target(), a.written() + b.written(), a.unchanged() + b.unchanged(), removed,
                    a.bytes() + b.bytes(), Duration.ofNanos(clock.nanoTime() - t0), plan.chain());
            LOG.info("restored backup {} into {}: {} files written, {} unchanged, {} removed", m.id(), dir, r.written(),
                    r.unchanged(), r.removed());
            return r;
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.FAILED, "restore into " + req.dataDir() + " failed: " + e.getMessage()
                    + ". The directory is incomplete (global/pg_control is written last); run the restore again.", e);
        }
    }

    private static void checkDirectory(Path dir, boolean delta) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "restore refused, nothing was written: --data-dir " + dir
                    + " is a file, not a directory");
        }
        if (Files.exists(dir.resolve("postmaster.pid"))) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "restore refused, nothing was written: --data-dir " + dir
                    + " has a postmaster.pid: a server may be running on it. Stop it first.");
        }
        if (!delta) {
            try (Stream<Path> s = Files.list(dir)) {
                List<String> names = s.map(p -> p.getFileName().toString()).sorted().limit(3).toList();
                if (!names.isEmpty()) {
                    throw new PgWardenException(ErrorCode.INVALID_INPUT, "restore refused, nothing was written: --data-dir "
                            + dir + " is not empty (" + String.join(", ", names) + ", ...). Restore into an empty or new"
                            + " directory, or pass --delta to rewrite only what differs from the backup.");
                }
            }
        }
    }

    /** Creates the directory (0700); its owner owns everything written, the server user when root creates it. */
    private static UserPrincipal prepare(Path dir) throws IOException {
        var lookup = dir.getFileSystem().getUserPrincipalLookupService();
        if (!Files.exists(dir)) {
            Files.createDirectories(dir);
            if (Privileges.detect(null).isRoot()) {
                try {
                    Files.setOwner(dir, lookup.lookupPrincipalByName(Privileges.DEFAULT_SERVER_USER));
                } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
                    // no postgres user here: root keeps it; PostgreSQL will refuse, and says why
                }
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return Files.getOwner(dir);
    }

    static void mkdir(Path d, UserPrincipal owner) throws IOException {
        if (!Files.isDirectory(d)) {
            Files.createDirectories(d);
        }
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        if (!owner.equals(Files.getOwner(d))) {
            Files.setOwner(d, owner);
        }
    }

    private static int removeExtra(Path dir, Set<String> files, List<String> dirs) throws IOException {
        Set<String> keepDirs = new HashSet<>(dirs);
        int removed = 0;
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.sorted(java.util.Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            String rel = dir.relativize(p).toString();
            // recovery.signal: not in the backup, but written again by this restore
            if (rel.isEmpty() || files.contains(rel) || rel.equals("recovery.signal")
                    || (Files.isDirectory(p) && keepDirs.contains(rel))) {
                continue;
            }
            Files.delete(p);
            if (!Files.isDirectory(p)) {
                removed++;
            }
        }
        return removed;
    }

    private static void writeRecoveryConfig(Path dir, UserPrincipal owner, Request req) throws IOException {
        Path auto = dir.resolve("postgresql.auto.conf");
        List<String> kept = new ArrayList<>();
        if (Files.exists(auto)) {
            for (String line : Files.readAllLines(auto)) {
                if (line.equals(AUTO_CONF_MARKER)) {
                    break; // settings of an earlier restore (delta) are replaced
                }
                kept.add(line);
            }
        }
        StringBuilder s = new StringBuilder();
        kept.forEach(l -> s.append(l).append('\n'));
        s.append(AUTO_CONF_MARKER).append(" (backup ").append(req.backupId() == null ? "latest" : req.backupId())
                .append(", target ").append(req.target().describe()).append(")\n");
        String restore = req.walCommand() + " wal fetch --repo " + shellQuote(req.repoLocation()) + " %f %p";
        s.append(conf("restore_command", restore));
        for (Map.Entry<String, String> e : req.target().settings().entrySet()) {
            s.append(conf(e.getKey(), e.getValue()));
        }
        write(auto, s.toString(), owner);
        write(dir.resolve("recovery.signal"), "", owner);
        Files.deleteIfExists(dir.resolve("standby.signal"));
    }

    private static String conf(String key, String value) {
        return key + " = '" + value.replace("'", "''") + "'\n";
    }

    static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./:@=+-]+") ? s : "'" + s.replace("'", "'\"'\"'") + "'";
    }

    private static void write(Path file, String text, UserPrincipal owner) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        if (!owner.equals(Files.getOwner(file))) {
            Files.setOwner(file, owner);
        }
    }
}

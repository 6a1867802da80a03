package io.pgwarden.backup;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Logical backups with {@code pg_dump}'s custom format: {@link #dump} writes to a temporary file next to the target,
 * checks it with {@code pg_restore --list}, then renames it to the target, which must not exist (never overwritten);
 * {@link #load} checks the file the same way, then runs {@code pg_restore} in one transaction that stops at the
 * first error. Both need the client tools of a full PostgreSQL installation (the embedded binaries are server-only).
 */
public final class LogicalDump {
    /** A dump of a large database takes long; a day is a bound, not an expectation. */
    private static final Duration TIMEOUT = Duration.ofHours(24);
    private final ProcessRunner runner;
    private final PgBinaries binaries;

    public record Result(Path file, long bytes, int entries) {
    }

    public LogicalDump(ProcessRunner runner, PgBinaries binaries) {
        this.runner = runner;
        this.binaries = binaries;
    }

    public Result dump(ConnectionSpec db, Path out) {
        require("pg_dump");
        require("pg_restore");
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "--out " + out + " already exists; pgwarden never"
                    + " overwrites a dump. Choose a new file name or remove the old one first.");
        }
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            ProcessResult r = runner.run(List.of(binaries.program("pg_dump").toString(), "--format=custom", "--file=" + tmp,
                    "--host=" + db.host(), "--port=" + db.port(), "--username=" + db.user(), "--no-password", db.database()),
                    null, pgEnv(db), TIMEOUT);
            if (!r.ok()) {
                throw new PgWardenException(ErrorCode.FAILED, "pg_dump of " + db + " failed (exit " + r.exitCode() + "): "
                        + r.tail(5));
            }
            int entries = list(tmp, "the dump just written");
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return new Result(target, Files.size(target), entries);
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.FAILED, "dump into " + out + " failed: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // a temporary file; nothing to add to the error being reported
            }
        }
    }

    /** Checks {@code file} with pg_restore --list; returns its entry count. */
    public int check(Path file) {
        require("pg_restore");
        if (!Files.isRegularFile(file)) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "--in " + file + ": no such file");
        }
        return list(file, file.toString());
    }

    public void load(ConnectionSpec db, Path file) {
        check(file);
        ProcessResult r = runner.run(List.of(binaries.program("pg_restore").toString(), "--single-transaction",
                "--exit-on-error", "--no-owner", "--host=" + db.host(), "--port=" + db.port(), "--username=" + db.user(),
                "--no-password", "--dbname=" + db.database(), file.toString()), null, pgEnv(db), TIMEOUT);
        if (!r.ok()) {
            throw new PgWardenException(ErrorCode.FAILED, "pg_restore of " + file + " into " + db + " failed (exit "
                    + r.exitCode() + "); nothing was loaded (one transaction): " + r.tail(5));
        }
    }

    private int list(Path file, String what) {
        ProcessResult r = runner.run(List.of(binaries.program("pg_restore").toString(), "--list", file.toString()), null,
                Map.of(), Duration.ofMinutes(10));
        if (!r.ok()) {
            throw new PgWardenException(ErrorCode.BACKUP_DAMAGED, "pg_restore --list rejects " + what + " (exit "
                    + r.exitCode() + "): " + r.tail(3));
        }
        int n = 0;
        for (String line : r.stdout().split("\\R")) {
            if (!line.isBlank() && !line.startsWith(";")) {
                n++;
            }
        }
        return n;
    }

    private void require(String program) {
        if (!binaries.has(program)) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, program + " is not in " + binaries.binDir() + " ("
                    + binaries.describe() + "): dump and load need PostgreSQL's client tools, which the embedded"
                    + " server-only binaries lack. Install them (Debian: apt-get install postgresql-client) or name a full"
                    + " installation with --pg-bin or PG_BINDIR.");
        }
    }

    private static Map<String, String> pgEnv(ConnectionSpec db) {
        Map<String, String> env = new HashMap<>();
        if (db.password() != null) {
            env.put("PGPASSWORD", db.password());
        }
        env.put("PGSSLMODE", db.sslmode() == null ? "prefer" : db.sslmode());
        env.put("PGCONNECT_TIMEOUT", Long.toString(Math.max(1, db.connectTimeout().toSeconds())));
        env.put("PGAPPNAME", "pgwarden");
        return env;
    }

}

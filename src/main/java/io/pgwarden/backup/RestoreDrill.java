package io.pgwarden.backup;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.ProcessRunner;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code backup verify --restore-drill}: restores a backup into a temporary directory, starts PostgreSQL on it on a
 * free loopback port (archiving off: the drill never writes to the repository, and never touches the live server),
 * waits until recovery replayed the archived WAL and the server accepts writes, runs amcheck's
 * {@code bt_index_check} on every B-tree index of every database, and reports the measured time to recover.
 */
public final class RestoreDrill {
    /** Recovery of a large archive can take long; the drill gives up after this. */
    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(30);
    /** Polling the drill server twice a second: its recovery takes seconds at least. */
    private static final Duration POLL = Duration.ofMillis(500);
    private final BackupRepository repo;
    private final ProcessRunner runner;
    private final Clock clock;

    public record Result(String backupId, Duration rto, String position, int indexes, List<String> corrupt) {
    }

    public RestoreDrill(BackupRepository repo, ProcessRunner runner, Clock clock) {
        this.repo = repo;
        this.runner = runner;
        this.clock = clock;
    }

    public Result execute(String backupId, PgBinaries binaries, String walCommand, String repoLocation) throws IOException {
        long t0 = clock.nanoTime();
        Path base = Files.createTempDirectory("pgwarden-drill-");
        Privileges privileges = Privileges.detect(null);
        if (privileges.isRoot()) {
            Files.setOwner(base, base.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(Privileges.DEFAULT_SERVER_USER));
        }
        Path dir = base.resolve("data");
        int port = freePort();
        Restorer.Result restored = new Restorer(repo, clock).execute(new Restorer.Request(dir, backupId,
                RecoveryTarget.end("latest"), false, 2, walCommand, repoLocation));
        List<String> pgCtl = List.of(binaries.program("pg_ctl").toString(), "-D", dir.toString(), "-l",
                base.resolve("server.log").toString(), "-w", "-t", Long.toString(RECOVERY_LIMIT.toSeconds()), "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='" + base + "' -c archive_mode=off",
                "start");
        try {
            ProcessResult r = runner.run(privileges.asServerUser(pgCtl), base, Map.of("LC_ALL", "C.UTF-8"),
                    RECOVERY_LIMIT.plusMinutes(1));
            if (!r.ok()) {
                throw new PgWardenException(ErrorCode.BACKUP_DAMAGED, "restore drill of backup " + restored.backupId()
                        + ": PostgreSQL did not start on the restored directory: " + tail(base.resolve("server.log")));
            }
            ConnectionSpec spec = ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", port).withDatabase("postgres")
                    .withUser("postgres", password(dir)).withConnectTimeout(Duration.ofSeconds(10));
            String position = awaitPromotion(spec, t0);
            Duration rto = Duration.ofNanos(clock.nanoTime() - t0);
            List<String> corrupt = new ArrayList<>();
            int indexes = amcheck(spec, corrupt);
            return new Result(restored.backupId(), rto, position, indexes, corrupt);
        } catch (SQLException e) {
            throw new PgWardenException(ErrorCode.BACKUP_DAMAGED, "restore drill of backup " + restored.backupId()
                    + " failed: " + PgConnections.describe(e), e);
        } finally {
            runner.run(privileges.asServerUser(List.of(binaries.program("pg_ctl").toString(), "-D", dir.toString(), "-m",
                    "immediate", "-w", "stop")), base, Map.of(), Duration.ofMinutes(2));
            deleteTree(base);
        }
    }

    /** Waits until recovery has ended (the drill server promoted); returns its WAL position. */
    private String awaitPromotion(ConnectionSpec spec, long t0) throws SQLException {
        while (true) {
            try (Connection c = PgConnections.open(spec); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT NOT pg_is_in_recovery(), pg_current_wal_lsn()::text"
                            + " FROM (SELECT 1) x WHERE NOT pg_is_in_recovery()")) {
                if (r.next()) {
                    return r.getString(2);
                }
            }
            if (clock.nanoTime() - t0 > RECOVERY_LIMIT.toNanos()) {
                throw new PgWardenException(ErrorCode.BACKUP_DAMAGED, "restore drill: recovery did not end within "
                        + RECOVERY_LIMIT.toMinutes() + " minutes");
            }
            try {
                clock.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PgWardenException(ErrorCode.FAILED, "restore drill interrupted", e);
            }
        }
    }

    private static int amcheck(ConnectionSpec spec, List<String> corrupt) throws SQLException {
        List<String> databases = new ArrayList<>();
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1")) {
            while (r.next()) {
                databases.add(r.getString(1));
            }
        }
        int n = 0;
        for (String db : databases) {
            try (Connection c = PgConnections.open(spec.withDatabase(db)); Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS amcheck");
                List<String> idx = new ArrayList<>();
                try (ResultSet r = s.executeQuery("SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid ="
                        + " i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND c.relpersistence <> 't'"
                        + " AND i.indisvalid AND i.indisready")) {
                    while (r.next()) {
                        idx.add(r.getString(1));
                    }
                }
                for (String i : idx) {
                    n++;
                    try (var p = c.prepareStatement("SELECT bt_index_check(?::regclass)")) {
                        p.setString(1, i);
                        p.execute();
                    } catch (SQLException e) {
                        corrupt.add(db + "." + i + ": " + PgConnections.describe(e));
                    }
                }
            }
        }
        return n;
    }

    /** The superuser password a pgwarden-managed cluster keeps in its data directory (instance's PasswordFile), if any. */
    private static String password(Path dir) {
        Path file = dir.resolve("pgwarden.password");
        try {
            return Files.isReadable(file) ? Files.readString(file).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no server log)";
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory; what could not be removed stays in /tmp
        }
    }
}

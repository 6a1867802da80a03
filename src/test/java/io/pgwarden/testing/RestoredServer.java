package io.pgwarden.testing;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.SystemProcessRunner;
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
 * A PostgreSQL server started with pg_ctl on a restored data directory, on its own free loopback port (the copied
 * postgresql.conf names the source's port and socket directory, which the command line overrides), archiving off
 * unless asked, so that test restores do not archive into the repository they came from.
 */
public final class RestoredServer implements AutoCloseable {
    private final Path binDir;
    private final Path dataDir;
    private final int port;
    private final Path log;

    private RestoredServer(Path binDir, Path dataDir, int port) {
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.port = port;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    /** pg_ctl start -w; returns the result (a FATAL recovery fails it) and the server when it started. */
    public static Start start(Path binDir, Path dataDir, boolean archive) {
        RestoredServer s = new RestoredServer(binDir, dataDir, TestPostgres.freePort());
        String opts = "-p " + s.port + " -c unix_socket_directories='" + dataDir.getParent() + "'"
                + (archive ? "" : " -c archive_mode=off");
        ProcessResult r = s.pgCtl(List.of("-o", opts, "-l", s.log.toString(), "-w", "-t", "110", "start"));
        return new Start(r.ok() ? s : null, r, s.logText());
    }

    /** What pg_ctl start did, and the server log. */
    public record Start(RestoredServer server, ProcessResult result, String log) {
    }

    private ProcessResult pgCtl(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString()));
        cmd.addAll(args);
        return new SystemProcessRunner().run(Privileges.detect(null).asServerUser(cmd), null, Map.of("LC_ALL", "C.UTF-8"),
                Duration.ofSeconds(120));
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            return "(unreadable log: " + e.getMessage() + ")";
        }
    }

    public ConnectionSpec spec() {
        return ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", port).withDatabase("postgres")
                .withUser("postgres", null).withConnectTimeout(Duration.ofSeconds(10));
    }

    /** The first column of every row of {@code sql}, as text. */
    public List<String> column(String sql) throws SQLException {
        try (Connection c = PgConnections.open(spec()); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (r.next()) {
                out.add(r.getString(1));
            }
            return out;
        }
    }

    public boolean inRecovery() {
        try {
            return column("SELECT pg_is_in_recovery()").get(0).equals("t");
        } catch (SQLException e) {
            return true;
        }
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = PgConnections.open(spec()); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() {
        pgCtl(List.of("-m", "immediate", "-w", "stop"));
    }
}

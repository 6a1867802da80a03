package io.pgwarden.topology;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points a PgBouncer at the primary: rewrites the {@code host}/{@code port} of every {@code [databases]} entry of
 * its pgbouncer.ini (atomically, preserving all other content, owner and mode) and issues {@code RELOAD} on its
 * admin console. Compares both the file and what PgBouncer actually runs with ({@code SHOW DATABASES}), so a RELOAD
 * that failed after the file was written is issued again on the next call. Read-only targets are not used
 * (PgBouncer sends every client to one host). Split brain changes nothing here.
 *
 * <p>The admin console is reached with pgjdbc in simple query mode (the console speaks only the simple protocol);
 * the user must be in PgBouncer's {@code admin_users}.
 */
public final class PgBouncerEndpointPublisher implements EndpointPublisher {
    private static final Logger log = LoggerFactory.getLogger(PgBouncerEndpointPublisher.class);

    private final Path ini;
    private final ConnectionSpec admin;

    /** @param admin the admin console: host, port, user (an admin_users entry), password; database is forced to pgbouncer */
    public PgBouncerEndpointPublisher(Path ini, ConnectionSpec admin) {
        this.ini = ini;
        this.admin = admin.withDatabase("pgbouncer").withApplicationName("pgwarden-endpoints");
    }

    @Override
    public String name() {
        return "pgbouncer " + ini + " (admin " + admin.address() + ")";
    }

    @Override
    public PublishResult publish(DesiredEndpoints endpoints, Instant now) {
        NodeAddress target = endpoints.primary();
        String current;
        try {
            current = Files.readString(ini, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "PgBouncer: cannot read " + ini + ": " + e
                    + "; check --pgbouncer-ini", e);
        }
        String wanted = PgBouncerIni.retarget(current, target);
        boolean fileChanged = !wanted.equals(current);
        if (fileChanged) {
            try {
                AtomicFiles.write(ini, wanted);
            } catch (IOException e) {
                throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "PgBouncer: cannot rewrite " + ini + ": " + e
                        + "; check that pgwarden may write it and its directory", e);
            }
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            boolean live = fileChanged || !runningMatches(s, PgBouncerIni.targets(wanted));
            if (!live) {
                return PublishResult.UNCHANGED;
            }
            s.execute("RELOAD");
            log.info("pgbouncer {}: [databases] now point at {}; RELOAD issued", ini, target);
            return PublishResult.CHANGED;
        } catch (SQLException e) {
            throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "PgBouncer: " + (fileChanged ? ini
                    + " was rewritten for " + target + " but " : "") + "RELOAD on the admin console " + admin.display()
                    + " failed: " + PgConnections.describe(e) + "; check --pgbouncer-admin-url and that the user is in "
                    + "admin_users (the next cycle retries)", e);
        }
    }

    /** True when every entry's host:port in the file is what PgBouncer currently runs with. */
    private static boolean runningMatches(Statement s, Map<String, String> wanted) throws SQLException {
        Map<String, String> running = new HashMap<>();
        try (ResultSet rs = s.executeQuery("SHOW DATABASES")) {
            while (rs.next()) {
                running.put(rs.getString("name"), rs.getString("host") + ":" + rs.getString("port"));
            }
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (!e.getKey().equals("*") && !e.getValue().equals(running.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private Connection connect() throws SQLException {
        Properties p = admin.jdbcProperties();
        p.setProperty("preferQueryMode", "simple");
        p.setProperty("sslmode", "disable".equals(admin.sslmode()) ? "disable" : p.getProperty("sslmode"));
        p.setProperty("socketTimeout", p.getProperty("connectTimeout"));
        return DriverManager.getConnection(admin.jdbcUrl(), p);
    }

    @Override
    public void recordSplitBrain(List<NodeAddress> primaries, String reason, Instant now) {
        // PgBouncer has no place to show it; keeping clients on the last primary is the safe choice
    }
}

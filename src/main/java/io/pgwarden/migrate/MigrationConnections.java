package io.pgwarden.migrate;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.pg.SqlIdentifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the one connection a migration run uses (history, lock and files share it: no extra connection
 * per file). Asks the server to check every second whether the client is still there while a statement
 * runs ({@code client_connection_check_interval}, PostgreSQL 14+), so a runner killed during a long
 * migration loses its transaction and its lock within a second instead of when the statement ends.
 * Optionally creates the database first, through the {@code postgres} maintenance database.
 */
public final class MigrationConnections {
    private static final Logger log = LoggerFactory.getLogger(MigrationConnections.class);
    /** 1 s: a dead runner's lock is freed about a second after it died; the check costs one poll() per second. */
    private static final String CHECK_INTERVAL_MS = "1000";
    private static final String INVALID_CATALOG = "3D000";
    private static final String DUPLICATE_DATABASE = "42P04";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String UNDEFINED_PARAMETER = "42704";
    public static final String APPLICATION_NAME = "pgwarden migrate";

    private MigrationConnections() {
    }

    /**
     * Databases this process has connected to: asked about once, not on every run of a loop. Asking first (through the
     * maintenance database) keeps a missing database from leaving "FATAL: database ... does not exist" in the server log.
     */
    private static final java.util.Set<String> KNOWN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Opens a connection to {@code spec}'s database; null when it does not exist and {@code create} is false. */
    public static Connection open(ConnectionSpec spec, boolean create) {
        ConnectionSpec s = "pgwarden".equals(spec.applicationName()) || spec.applicationName() == null
                ? spec.withApplicationName(APPLICATION_NAME) : spec;
        String key = s.address() + "/" + s.database();
        if (!KNOWN.contains(key) && Boolean.FALSE.equals(exists(s))) {
            if (!create) {
                return null;
            }
            createDatabase(s);
        }
        try {
            Connection c = connect(s);
            KNOWN.add(key);
            return c;
        } catch (SQLException e) {
            if (!INVALID_CATALOG.equals(e.getSQLState())) {
                throw cannotConnect(s, e);
            }
            if (!create) {
                return null;
            }
        }
        createDatabase(s);
        try {
            return connect(s);
        } catch (SQLException e) {
            throw cannotConnect(s, e);
        }
    }

    /** Whether the database exists, asked through the maintenance database; null when that cannot be asked. */
    private static Boolean exists(ConnectionSpec spec) {
        if (spec.database().equals("postgres")) {
            return null;
        }
        try (Connection c = connect(spec.withDatabase("postgres"));
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, spec.database());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            log.debug("cannot ask {} through database postgres whether {} exists: {}", spec.address(), spec.database(),
                    PgConnections.describe(e));
            return null;
        }
    }

    private static Connection connect(ConnectionSpec spec) throws SQLException {
        Properties p = properties(spec);
        p.setProperty("options", "-c client_connection_check_interval=" + CHECK_INTERVAL_MS);
        try {
            return direct(spec.jdbcUrl(), p);
        } catch (SQLException e) {
            if (!UNDEFINED_PARAMETER.equals(e.getSQLState())) {
                throw e;
            }
            log.debug("{} does not know client_connection_check_interval (PostgreSQL before 14)", spec.address());
            return direct(spec.jdbcUrl(), properties(spec));
        }
    }

    private static Properties properties(ConnectionSpec spec) {
        Properties p = spec.jdbcProperties();
        // application_name and extra_float_digits then travel in the startup packet, which saves the two SET
        // statements (two round trips) pgjdbc otherwise sends after connecting. Servers before 9.0 (2010) are long
        // out of support.
        p.setProperty("assumeMinServerVersion", "9.0");
        return p;
    }

    /**
     * Asks pgjdbc's driver directly: DriverManager would first scan every jar on the class path for
     * java.sql.Driver services, which costs a noticeable part of a short command's start-up.
     */
    private static Connection direct(String url, Properties p) throws SQLException {
        Connection c = DRIVER.connect(url, p);
        if (c == null) {
            throw new SQLException("pgjdbc does not accept the URL " + url, "08001");
        }
        return c;
    }

    private static final java.sql.Driver DRIVER = new org.postgresql.Driver();

    /**
     * The server's major version, read through the maintenance database: the target database does not exist yet,
     * and its files must be checked (their parsing depends on the version) before it is created.
     */
    static int serverMajor(ConnectionSpec spec) {
        ConnectionSpec maintenance = spec.withDatabase("postgres");
        try (Connection c = connect(maintenance)) {
            return c.getMetaData().getDatabaseMajorVersion();
        } catch (SQLException e) {
            throw new PgWardenException(ErrorCode.FAILED, "Database " + spec.database() + " does not exist on "
                    + spec.address() + " and the server could not be asked its version through database postgres"
                    + " (needed to check the migration files before creating it): " + PgConnections.describe(e)
                    + ". Create the database, or let user " + spec.user() + " connect to database postgres.", e);
        }
    }

    /** CREATE DATABASE through the maintenance database; a concurrent runner creating it first is fine. */
    static void createDatabase(ConnectionSpec spec) {
        String name = spec.database();
        String problem = SqlIdentifiers.problem(name);
        if (problem != null) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "Database name '" + name + "' in --url/DATABASE_URL: "
                    + problem + ".");
        }
        ConnectionSpec maintenance = spec.withDatabase("postgres");
        try (Connection c = connect(maintenance); Statement st = c.createStatement()) {
            requirePrimary(c, spec);
            st.execute("CREATE DATABASE " + SqlIdentifiers.quote(name));
            log.info("created database {} on {}", name, spec.address());
        } catch (SQLException e) {
            if (DUPLICATE_DATABASE.equals(e.getSQLState()) || UNIQUE_VIOLATION.equals(e.getSQLState())) {
                log.debug("database {} was created concurrently by another runner", name);
                return;
            }
            throw new PgWardenException(ErrorCode.FAILED, "Database " + name + " does not exist on " + spec.address()
                    + " and could not be created through database postgres: " + PgConnections.describe(e)
                    + ". Create it, or give user " + spec.user() + " the CREATEDB privilege.", e);
        }
    }

    /**
     * Fails when the server is a read-only replica: nothing a migration does can run there, and the error the server
     * would give (read-only transaction, or CREATE DATABASE refused) points at privileges instead of at the primary.
     */
    static void requirePrimary(Connection c, ConnectionSpec spec) throws SQLException {
        try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            if (rs.getBoolean(1)) {
                throw new PgWardenException(ErrorCode.FAILED, "Cannot migrate " + spec.display() + ": " + spec.address()
                        + " is a read-only replica (in recovery), and migrations run on the primary only. Point --url /"
                        + " DATABASE_URL at the primary ('pgwarden status --url ...' shows a node's role); nothing was changed.");
            }
        }
    }

    private static PgWardenException cannotConnect(ConnectionSpec spec, SQLException e) {
        return new PgWardenException(ErrorCode.FAILED, "Cannot connect to " + spec.display() + ": "
                + PgConnections.describe(e) + ". Check that the server runs and the address, user and password are right.", e);
    }
}

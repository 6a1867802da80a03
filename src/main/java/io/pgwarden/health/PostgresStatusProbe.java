package io.pgwarden.health;

import io.pgwarden.core.Clock;
import io.pgwarden.core.Lsn;
import io.pgwarden.core.Secrets;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a server's role, timeline, WAL positions, replication lag and activity counters over JDBC.
 * It keeps one connection open between probes (a new backend per probe would cost a fork each
 * time) and reconnects after any failure. Read-only: it never changes the server. Not
 * thread-safe; {@link CachedPostgresStatus} serialises calls.
 */
public final class PostgresStatusProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresStatusProbe.class);
    /** A probe query must never hang a health request: a healthy server answers these in milliseconds. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(3);
    /** The probe connects often; a server that takes longer than this to accept is not ready anyway. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final String CANNOT_CONNECT_NOW = "57P03";
    private static final String INVALID_CATALOG_NAME = "3D000";

    private final ConnectionSpec spec;
    private final Clock clock;
    private Connection connection;
    private boolean closed;

    public PostgresStatusProbe(ConnectionSpec spec, Clock clock) {
        this.spec = spec.withConnectTimeout(CONNECT_TIMEOUT).withApplicationName("pgwarden-health");
        this.clock = clock;
    }

    /** Observes the server now; never throws for a server problem, which becomes the status' error. */
    public synchronized PostgresStatus probe() {
        if (closed) {
            return PostgresStatus.down(PostgresState.UNREACHABLE, "the health probe was closed (agent stopping)",
                    clock.now());
        }
        try {
            if (connection == null || connection.isClosed()) {
                connection = open();
            }
            return read(connection);
        } catch (SQLException e) {
            closeConnection();
            PostgresState state = switch (String.valueOf(e.getSQLState())) {
                case CANNOT_CONNECT_NOW -> PostgresState.STARTING;
                case INVALID_CATALOG_NAME -> PostgresState.DATABASE_MISSING;
                default -> PostgresState.UNREACHABLE;
            };
            String error = Secrets.mask(spec.address() + ": " + PgConnections.describe(e));
            log.debug("probe of {} failed: {}", spec.address(), error);
            return PostgresStatus.down(state, error, clock.now());
        }
    }

    private Connection open() throws SQLException {
        Properties props = spec.jdbcProperties();
        props.setProperty("socketTimeout", Long.toString(QUERY_TIMEOUT.toSeconds() + 1));
        props.setProperty("options", "-c statement_timeout=" + QUERY_TIMEOUT.toMillis()
                + " -c lock_timeout=" + QUERY_TIMEOUT.toMillis());
        Connection c = DriverManager.getConnection(spec.jdbcUrl(), props);
        c.setAutoCommit(true);
        return c;
    }

    private PostgresStatus read(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            boolean recovery;
            int version;
            boolean readOnlyDefault;
            try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), current_setting('server_version_num')::int,"
                    + " current_setting('default_transaction_read_only') = 'on'")) {
                rs.next();
                recovery = rs.getBoolean(1);
                version = rs.getInt(2);
                readOnlyDefault = rs.getBoolean(3);
            }
            Long timeline = checkpointTimeline(s);
            PostgresStatus status = recovery ? replica(s, version, timeline) : primary(s, version, timeline, readOnlyDefault);
            return status;
        }
    }

    private PostgresStatus primary(Statement s, int version, Long timeline, boolean readOnlyDefault) throws SQLException {
        Lsn current;
        try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            current = Lsn.parse(rs.getString(1));
        }
        Long walBytes = version >= 140000 ? statWalBytes(s) : Long.valueOf(current.value());
        return new PostgresStatus(PostgresState.RUNNING, PostgresRole.PRIMARY, version, !readOnlyDefault, timeline,
                current, null, null, false, 0L, 0.0, statistics(s, walBytes), null, clock.now());
    }

    private PostgresStatus replica(Statement s, int version, Long checkpointTimeline) throws SQLException {
        Lsn receive = null;
        Lsn replay = null;
        double lagSeconds;
        try (ResultSet rs = s.executeQuery("SELECT pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn(),"
                + " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                + " ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END")) {
            rs.next();
            receive = rs.getString(1) == null ? null : Lsn.parse(rs.getString(1));
            replay = rs.getString(2) == null ? null : Lsn.parse(rs.getString(2));
            lagSeconds = Math.max(0, rs.getDouble(3));
        }
        boolean streaming = false;
        Long timeline = checkpointTimeline;
        Lsn primaryEnd = receive;
        try (ResultSet rs = s.executeQuery("SELECT status, latest_end_lsn, received_tli FROM pg_stat_wal_receiver")) {
            if (rs.next()) {
                streaming = "streaming".equals(rs.getString(1));
                if (rs.getString(2) != null) {
                    Lsn reported = Lsn.parse(rs.getString(2));
                    primaryEnd = primaryEnd == null || reported.compareTo(primaryEnd) > 0 ? reported : primaryEnd;
                }
                long tli = rs.getLong(3);
                if (!rs.wasNull() && tli > 0) {
                    timeline = tli;
                }
            }
        }
        Long lagBytes = primaryEnd == null || replay == null ? null : primaryEnd.bytesAfter(replay);
        Long walBytes = version >= 140000 ? statWalBytes(s) : null;
        return new PostgresStatus(PostgresState.RUNNING, PostgresRole.REPLICA, version, false, timeline, null,
                receive, replay, streaming, lagBytes, lagSeconds, statistics(s, walBytes), null, clock.now());
    }

    /** pg_control_checkpoint() is superuser/pg_monitor only by default; without it the timeline is unknown. */
    private static Long checkpointTimeline(Statement s) {
        try (ResultSet rs = s.executeQuery("SELECT timeline_id FROM pg_control_checkpoint()")) {
            return rs.next() ? rs.getLong(1) : null;
        } catch (SQLException e) {
            log.debug("timeline not readable: {}", e.getMessage());
            return null;
        }
    }

    private static Long statWalBytes(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT wal_bytes FROM pg_stat_wal")) {
            return rs.next() ? rs.getBigDecimal(1).longValue() : null;
        }
    }

    private static PostgresStatistics statistics(Statement s, Long walBytes) throws SQLException {
        java.util.Map<String, Long> connections = new java.util.TreeMap<>();
        try (ResultSet rs = s.executeQuery("SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity"
                + " WHERE backend_type = 'client backend' GROUP BY 1")) {
            while (rs.next()) {
                connections.put(rs.getString(1), rs.getLong(2));
            }
        }
        long commit;
        long rollback;
        try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(xact_commit), 0), coalesce(sum(xact_rollback), 0)"
                + " FROM pg_stat_database")) {
            rs.next();
            commit = rs.getLong(1);
            rollback = rs.getLong(2);
        }
        java.util.Map<String, Long> sizes = new java.util.TreeMap<>();
        try (ResultSet rs = s.executeQuery("SELECT datname, pg_database_size(oid) FROM pg_database"
                + " WHERE datallowconn AND has_database_privilege(oid, 'CONNECT')")) {
            while (rs.next()) {
                sizes.put(rs.getString(1), rs.getLong(2));
            }
        }
        return new PostgresStatistics(connections, commit, rollback, walBytes, sizes);
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing probe connection: {}", e.getMessage());
            }
            connection = null;
        }
    }

    /**
     * Closes the connection and refuses further probes. Called before a smart shutdown, which would
     * otherwise wait for this session to end.
     */
    @Override
    public synchronized void close() {
        closed = true;
        closeConnection();
    }
}

package io.pgwarden.health;

import io.pgwarden.pg.NodeRole;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Lsn;
import io.pgwarden.core.Secrets;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a server's role, timeline, WAL positions, replication lag and activity counters over JDBC.
 * With {@link Session#KEEP} it keeps one connection open between probes (a new backend per probe
 * costs a fork and an authentication each time) and reconnects after any failure; with
 * {@link Session#PER_PROBE} it connects for each probe and disconnects at once, so it never holds up
 * a smart shutdown and sees at once that the server refuses new connections. Read-only: it never changes the server. Calls are
 * serialised (synchronized); {@link CachedPostgresStatus} makes sure few are made.
 */
public final class PostgresStatusProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresStatusProbe.class);
    /** A probe query must never hang a health request: a healthy server answers these in milliseconds. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(3);
    /** The probe connects often; a server that takes longer than this to accept is not ready anyway. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final String CANNOT_CONNECT_NOW = "57P03";
    private static final String ADMIN_SHUTDOWN = "57P01";
    private static final String CRASH_SHUTDOWN = "57P02";
    private static final String INVALID_CATALOG_NAME = "3D000";
    /** 28000 invalid_authorization_specification (no pg_hba.conf entry, no such role), 28P01 invalid_password. */
    private static final String INVALID_AUTHORIZATION_CLASS = "28";

    /** Whether the probe's session outlives a probe. */
    public enum Session {
        /** Keep the session between probes: for a server the agent owns and closes the probe before stopping. */
        KEEP,
        /** A session per probe: for a server someone else stops (a kept session would delay a smart shutdown). */
        PER_PROBE
    }

    private final ConnectionSpec spec;
    private final Clock clock;
    private final Session session;
    private final java.util.function.BooleanSupplier shuttingDown;
    private Connection connection;
    private java.sql.PreparedStatement statement;
    private boolean closed;

    /** A probe that keeps its session between probes ({@link Session#KEEP}). */
    public PostgresStatusProbe(ConnectionSpec spec, Clock clock) {
        this(spec, clock, Session.KEEP);
    }

    public PostgresStatusProbe(ConnectionSpec spec, Clock clock, Session session) {
        this(spec, clock, session, () -> false);
    }

    /**
     * @param shuttingDown true while the server is shutting down as seen by its owner (e.g. postmaster.pid says
     *                     {@code stopping}); the probe then drops a kept session instead of using it, so that a
     *                     smart shutdown started outside the agent (pg_ctl stop) is not held up by the probe
     */
    public PostgresStatusProbe(ConnectionSpec spec, Clock clock, Session session, java.util.function.BooleanSupplier shuttingDown) {
        this.spec = spec.withConnectTimeout(CONNECT_TIMEOUT).withApplicationName("pgwarden-health");
        this.clock = clock;
        this.session = session;
        this.shuttingDown = shuttingDown;
    }

    /** Observes the server now; never throws for a server problem, which becomes the status' error. */
    public synchronized PostgresStatus probe() {
        if (closed) {
            return PostgresStatus.down(PostgresState.UNREACHABLE, "the health probe was closed (agent stopping)",
                    clock.now());
        }
        if (shuttingDown.getAsBoolean()) {
            closeConnection();
            return PostgresStatus.down(PostgresState.SHUTTING_DOWN, spec.address() + ": the server is shutting down",
                    clock.now());
        }
        try {
            if (connection == null || connection.isClosed()) {
                connection = open();
                statement = null;
            }
            PostgresStatus observed = read(connection);
            if (session == Session.PER_PROBE) {
                closeConnection();
            }
            return observed;
        } catch (SQLException e) {
            closeConnection();
            PostgresState state = switch (String.valueOf(e.getSQLState())) {
                case CANNOT_CONNECT_NOW -> String.valueOf(e.getMessage()).contains("shutting down")
                        ? PostgresState.SHUTTING_DOWN : PostgresState.STARTING;
                case ADMIN_SHUTDOWN, CRASH_SHUTDOWN -> PostgresState.SHUTTING_DOWN;
                case INVALID_CATALOG_NAME -> PostgresState.DATABASE_MISSING;
                default -> String.valueOf(e.getSQLState()).startsWith(INVALID_AUTHORIZATION_CLASS)
                        ? PostgresState.LOGIN_REJECTED : PostgresState.UNREACHABLE;
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

    /**
     * Everything in one round trip, so an idle agent's periodic probe costs one statement. The server
     * plans it once: the statement is reused on the connection and server-side prepared by pgjdbc.
     */
    private static String query(int major) {
        return "SELECT r.rec, current_setting('server_version_num')::int,"
                + " current_setting('default_transaction_read_only') = 'on',"
                // pg_control_checkpoint() is superuser/pg_monitor only by default; without it the timeline is unknown
                // a primary's current timeline is in its WAL file name at once after a promotion, while
                // pg_control_checkpoint() shows it only after the post-promotion checkpoint (spread, minutes)
                + " CASE WHEN NOT r.rec THEN ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int"
                + " WHEN has_function_privilege('pg_control_checkpoint()', 'EXECUTE')"
                + " THEN (SELECT timeline_id FROM pg_control_checkpoint()) END,"
                + " CASE WHEN r.rec THEN NULL ELSE pg_current_wal_lsn()::text END,"
                + " CASE WHEN r.rec THEN pg_last_wal_receive_lsn()::text END,"
                + " CASE WHEN r.rec THEN pg_last_wal_replay_lsn()::text END,"
                + " CASE WHEN NOT r.rec OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                + " ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END::float8,"
                + " w.status, w.latest_end_lsn::text, w.received_tli,"
                + (major >= 14 ? " (SELECT wal_bytes FROM pg_stat_wal)::bigint," : " NULL::bigint,")
                + " (SELECT coalesce(sum(xact_commit), 0)::bigint FROM pg_stat_database),"
                + " (SELECT coalesce(sum(xact_rollback), 0)::bigint FROM pg_stat_database),"
                + " a.states, a.counts, d.names, d.sizes"
                + " FROM (SELECT pg_is_in_recovery() AS rec) r"
                + " LEFT JOIN pg_stat_wal_receiver w ON true"
                + " CROSS JOIN (SELECT array_agg(s) AS states, array_agg(n) AS counts FROM (SELECT coalesce(state, 'unknown')"
                + " AS s, count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1) x) a"
                + " CROSS JOIN (SELECT array_agg(datname::text) AS names, array_agg(pg_database_size(oid)) AS sizes"
                + " FROM pg_database WHERE datallowconn AND has_database_privilege(oid, 'CONNECT')) d";
    }

    private PostgresStatus read(Connection c) throws SQLException {
        if (statement == null) {
            statement = c.prepareStatement(query(c.getMetaData().getDatabaseMajorVersion()));
        }
        try (ResultSet rs = statement.executeQuery()) {
            rs.next();
            boolean recovery = rs.getBoolean(1);
            int version = rs.getInt(2);
            boolean readOnlyDefault = rs.getBoolean(3);
            Long timeline = nullableLong(rs, 4);
            Lsn current = lsn(rs.getString(5));
            Lsn receive = lsn(rs.getString(6));
            Lsn replay = lsn(rs.getString(7));
            double lagSeconds = Math.max(0, rs.getDouble(8));
            boolean streaming = "streaming".equals(rs.getString(9));
            Lsn reported = lsn(rs.getString(10));
            Long receivedTimeline = nullableLong(rs, 11);
            Long walBytes = nullableLong(rs, 12);
            PostgresStatistics stats = new PostgresStatistics(zip(rs, 15, 16), rs.getLong(13), rs.getLong(14),
                    walBytes != null ? walBytes : current != null ? Long.valueOf(current.value()) : null, zip(rs, 17, 18));
            if (!recovery) {
                return new PostgresStatus(PostgresState.RUNNING, NodeRole.PRIMARY, version, !readOnlyDefault, timeline,
                        current, null, null, false, 0L, 0.0, stats, null, clock.now());
            }
            Lsn primaryEnd = receive == null || (reported != null && reported.compareTo(receive) > 0) ? reported : receive;
            Long lagBytes = primaryEnd == null || replay == null ? null : primaryEnd.bytesAfter(replay);
            Long tli = receivedTimeline != null && receivedTimeline > 0 ? receivedTimeline : timeline;
            return new PostgresStatus(PostgresState.RUNNING, NodeRole.REPLICA, version, false, tli, null, receive,
                    replay, streaming, lagBytes, lagSeconds, stats, null, clock.now());
        }
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Lsn lsn(String text) {
        return text == null ? null : Lsn.parse(text);
    }

    /** Two parallel SQL arrays (names, numbers) as a sorted map; empty when the arrays are null. */
    private static java.util.Map<String, Long> zip(ResultSet rs, int namesColumn, int valuesColumn) throws SQLException {
        java.util.Map<String, Long> map = new java.util.TreeMap<>();
        java.sql.Array names = rs.getArray(namesColumn);
        java.sql.Array values = rs.getArray(valuesColumn);
        if (names == null || values == null) {
            return map;
        }
        Object[] n = (Object[]) names.getArray();
        Object[] v = (Object[]) values.getArray();
        for (int i = 0; i < n.length; i++) {
            map.put(String.valueOf(n[i]), ((Number) v[i]).longValue());
        }
        return map;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing probe connection: {}", e.getMessage());
            }
            connection = null;
            statement = null;
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

package io.pgwarden.topology;

import io.pgwarden.core.Clock;
import io.pgwarden.core.Lsn;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a node over JDBC with one query that reads role, timeline, LSNs, replay lag and the WAL receiver
 * ({@code pg_stat_wal_receiver}) in a single round trip. Credentials, database and SSL mode come from the
 * {@link ConnectionSpec} template (the libpq {@code PG*} variables); host and port from the node list. The user
 * needs {@code pg_monitor} (or superuser) to see the WAL receiver's sender.
 */
public final class JdbcNodeProbe implements NodeProbe {
    private static final Logger log = LoggerFactory.getLogger(JdbcNodeProbe.class);
    /** Two attempts: a node that refuses twice 100 ms apart is down; a third try would only delay the cycle. */
    static final int MAX_ATTEMPTS = 2;
    /** Long enough to ride over a momentary refusal (a postmaster restarting its listener), short next to a cycle. */
    static final Duration RETRY_PAUSE = Duration.ofMillis(100);

    static final String QUERY = """
            SELECT r.rec,
                   (SELECT system_identifier FROM pg_control_system())::text,
                   CASE WHEN NOT r.rec THEN pg_current_wal_lsn()::text END,
                   CASE WHEN NOT r.rec THEN ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END,
                   CASE WHEN NOT r.rec THEN (SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming') END,
                   pg_last_wal_receive_lsn()::text,
                   pg_last_wal_replay_lsn()::text,
                   CASE WHEN r.rec THEN pg_is_wal_replay_paused() ELSE false END,
                   CASE WHEN r.rec AND pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()
                        THEN extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) END,
                   w.status, w.sender_host, w.sender_port, w.received_tli,
                   (SELECT timeline_id FROM pg_control_checkpoint())
              FROM (SELECT pg_is_in_recovery() AS rec) r
              LEFT JOIN pg_stat_wal_receiver w ON true""";

    private final ConnectionSpec template;
    private final Clock clock;

    /** @param template credentials, database, sslmode and connect timeout; its host and port are ignored */
    public JdbcNodeProbe(ConnectionSpec template, Clock clock) {
        this.template = template.withApplicationName("pgwarden-endpoints");
        this.clock = clock;
    }

    @Override
    public NodeState probe(NodeAddress address, long deadlineNanos) {
        long start = clock.nanoTime();
        String error = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                return query(address, deadlineNanos, start);
            } catch (SQLException | RuntimeException e) {
                error = describe(e, template.connectTimeout());
                log.debug("node {}: probe attempt {} failed: {}", address, attempt, error);
            }
            long remaining = deadlineNanos - clock.nanoTime();
            if (attempt == MAX_ATTEMPTS || remaining <= RETRY_PAUSE.toNanos() * 2) {
                break;
            }
            try {
                clock.sleep(RETRY_PAUSE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return NodeState.unreachable(address, error, Duration.ofNanos(clock.nanoTime() - start));
    }

    private NodeState query(NodeAddress address, long deadlineNanos, long start) throws SQLException {
        ConnectionSpec spec = template.withHostPort(address.host(), address.port());
        Properties props = spec.jdbcProperties();
        // whole seconds only in pgjdbc, and one beyond the caller's deadline: the caller's deadline (ClusterProbe),
        // not the driver, decides and names a timeout; the driver's only ends the abandoned connect soon after
        int seconds = (int) Math.max(1, (deadlineNanos - clock.nanoTime() + 999_999_999L) / 1_000_000_000L) + 1;
        props.setProperty("connectTimeout", Integer.toString(seconds));
        props.setProperty("loginTimeout", Integer.toString(seconds));
        props.setProperty("socketTimeout", Integer.toString(seconds));
        props.setProperty("tcpKeepAlive", "true");
        try (Connection c = java.sql.DriverManager.getConnection(spec.jdbcUrl(), props);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(QUERY)) {
            rs.next();
            Duration took = Duration.ofNanos(clock.nanoTime() - start);
            String sysid = rs.getString(2);
            if (!rs.getBoolean(1)) {
                return NodeState.primary(address, rs.getInt(4), sysid, Lsn.parse(rs.getString(3)), rs.getInt(5), took);
            }
            Lsn receive = rs.getString(6) == null ? null : Lsn.parse(rs.getString(6));
            Lsn replay = rs.getString(7) == null ? null : Lsn.parse(rs.getString(7));
            double lagSeconds = rs.getDouble(9);
            Duration replayLag = rs.wasNull() ? Duration.ZERO : Duration.ofMillis(Math.round(lagSeconds * 1000));
            WalReceiver receiver = null;
            int timeline = rs.getInt(14);
            if (rs.getString(10) != null) {
                receiver = new WalReceiver(rs.getString(10), rs.getString(11), rs.getInt(12), rs.getInt(13));
                timeline = receiver.receivedTimeline() > 0 ? receiver.receivedTimeline() : timeline;
            }
            return NodeState.replica(address, timeline, sysid, receive, replay, replayLag, rs.getBoolean(8), receiver, took);
        }
    }

    /** A short reason without the password: "connection refused", "no answer within 2s", or the server's message. */
    static String describe(Throwable e, Duration timeout) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof SocketTimeoutException) {
                return "no answer within " + io.pgwarden.core.Durations.format(timeout);
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
        }
        if (e instanceof SQLException se) {
            String m = PgConnections.describe(se);
            if (m.contains("timed out")) {
                return "no answer within " + io.pgwarden.core.Durations.format(timeout);
            }
            return m;
        }
        return e.getClass().getSimpleName() + ": " + io.pgwarden.core.Secrets.mask(String.valueOf(e.getMessage()));
    }
}

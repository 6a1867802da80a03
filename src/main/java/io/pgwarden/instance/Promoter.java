package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes a replica with {@code pg_promote()} and returns only once the server is out of recovery and a
 * write succeeds (a transaction that is assigned an ID and commits), or fails after the timeout. A server
 * that is already a primary is left alone (and checked the same way).
 */
public final class Promoter {
    private static final Logger log = LoggerFactory.getLogger(Promoter.class);
    /** Promotion usually completes within a second; polling five times a second notices it promptly. */
    private static final Duration POLL = Duration.ofMillis(200);
    /** A promoted server needs up to one checkpoint before it writes; 60 s covers a slow disk. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Clock clock;

    public Promoter(Clock clock) {
        this.clock = clock;
    }

    /** The outcome: whether a promotion happened, the timeline it now writes, the LSN of the test write. */
    public record Result(boolean promoted, int timeline, String writeLsn, Duration took) {
    }

    public Result execute(ConnectionSpec node, Duration timeout) {
        long start = clock.nanoTime();
        long deadline = start + timeout.toNanos();
        boolean promoted;
        try (Connection c = PgConnections.open(node); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                promoted = rs.getBoolean(1);
            }
            if (promoted) {
                log.info("{}: promoting the replica", node.address());
                try (PreparedStatement p = c.prepareStatement("SELECT pg_promote(false)")) {
                    p.execute(); // wait=false: this class waits itself, for writes rather than only the end of recovery
                }
            }
        } catch (SQLException e) {
            throw new PgWardenException(ErrorCode.FAILED, "Cannot promote " + node.display() + ": " + PgConnections.describe(e)
                    + ". Promotion needs a superuser (or a role granted EXECUTE on pg_promote).", e);
        }
        String last = "no answer yet";
        while (true) {
            try (Connection c = PgConnections.open(node); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    last = "still in recovery";
                } else {
                    Result r = write(s, promoted, start);
                    log.info("{}: {} on timeline {}, write committed at {}", node.address(),
                            promoted ? "promoted" : "already a primary", r.timeline(), r.writeLsn());
                    return r;
                }
            } catch (SQLException e) {
                last = PgConnections.describe(e);
            }
            if (clock.nanoTime() > deadline) {
                throw new PgWardenException(ErrorCode.FAILED, node.address() + " did not accept writes within "
                        + timeout.toSeconds() + " s after pg_promote (last: " + last + "). Read its server log;"
                        + " run 'pgwarden status' to see whether it is still in recovery.");
            }
            try {
                clock.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PgWardenException(ErrorCode.FAILED, "Interrupted while waiting for " + node.address() + " to accept writes.", e);
            }
        }
    }

    /** A transaction that needs a transaction ID: it fails on a server still in recovery. */
    private Result write(Statement s, boolean promoted, long start) throws SQLException {
        s.execute("SELECT pg_current_xact_id()");
        try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text,"
                + " ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int")) {
            rs.next();
            return new Result(promoted, rs.getInt(2), rs.getString(1), Duration.ofNanos(clock.nanoTime() - start));
        }
    }
}

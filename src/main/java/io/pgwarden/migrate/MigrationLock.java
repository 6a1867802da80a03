package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serialises runners on one database with a <em>session-level</em> advisory lock, polled with
 * {@code pg_try_advisory_lock} outside any transaction. Why not a transaction-level or blocking lock: a
 * waiter blocked inside a transaction keeps a snapshot open, and {@code CREATE INDEX CONCURRENTLY} run by
 * the holder waits for every such transaction, which would deadlock. A session lock dies with its session,
 * so a killed runner never leaves a lock behind (the server drops the session once it notices the client
 * is gone; {@link MigrationConnections} asks it to check every second).
 */
public final class MigrationLock {
    private static final Logger log = LoggerFactory.getLogger(MigrationLock.class);
    /** 'pgwd' 'migr': both halves below 2^31 so pg_locks shows them as the same positive oids. */
    static final long KEY = (0x70677764L << 32) | 0x6D696772L;
    /** First retry soon, so runners started together follow each other quickly. */
    private static final Duration FIRST_POLL = Duration.ofMillis(50);
    /** A waiter notices a released lock within a second at most, without loading the server. */
    private static final Duration MAX_POLL = Duration.ofSeconds(1);
    /** Say who holds the lock when the wait starts, then every 10 s, so a stuck rollout is explained in the log. */
    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    private final Connection connection;
    private final Clock clock;
    private final String database;
    private boolean held;

    public MigrationLock(Connection connection, Clock clock, String database) {
        this.connection = connection;
        this.clock = clock;
        this.database = database;
    }

    /**
     * Takes the lock, waiting at most {@code timeout}.
     *
     * @throws PgWardenException LOCK_TIMEOUT naming the holder and how to end it
     */
    public void acquire(Duration timeout) throws SQLException {
        long deadline = clock.nanoTime() + timeout.toNanos();
        Duration poll = FIRST_POLL;
        long nextReport = clock.nanoTime();
        while (!tryLock()) {
            Optional<LockHolder> holder = holder();
            long now = clock.nanoTime();
            if (now - deadline >= 0) {
                throw new PgWardenException(ErrorCode.LOCK_TIMEOUT, "Timed out after " + Durations.format(timeout)
                        + " waiting for the migration lock on database " + database + ": "
                        + holder.map(h -> "it is held by " + h.describe() + ". If that runner is stuck, end its session with"
                                + " SELECT pg_terminate_backend(" + h.pid() + "); the lock goes with it.")
                                .orElse("it was released just now; run the command again.")
                        + " Raise --lock-timeout (MIGRATE_LOCK_TIMEOUT) if migrations legitimately take longer.");
            }
            if (now - nextReport >= 0) {
                log.info("waiting for the migration lock on database {}: held by {}", database,
                        holder.map(LockHolder::describe).orElse("a session that just ended"));
                nextReport = now + REPORT_EVERY.toNanos();
            }
            try {
                long left = Math.max(1, (deadline - now) / 1_000_000);
                clock.sleep(Duration.ofMillis(Math.min(poll.toMillis(), left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PgWardenException(ErrorCode.FAILED, "Interrupted while waiting for the migration lock on "
                        + database + ".", e);
            }
            poll = poll.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : poll.multipliedBy(2);
        }
        held = true;
    }

    private boolean tryLock() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + KEY + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The session holding the lock right now, if any. */
    public Optional<LockHolder> holder() throws SQLException {
        String sql = "SELECT a.pid, a.application_name, host(a.client_addr), a.backend_start, a.state"
                + " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
                + " AND l.classid = " + (KEY >>> 32) + " AND l.objid = " + (KEY & 0xFFFFFFFFL)
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())";
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                return Optional.empty();
            }
            Timestamp start = rs.getTimestamp(4);
            return Optional.of(new LockHolder(rs.getInt(1), rs.getString(2), rs.getString(3),
                    start == null ? null : start.toInstant(), rs.getString(5)));
        }
    }

    /** Releases the lock; quiet when the session is already gone (the lock went with it). */
    public void release() {
        if (!held) {
            return;
        }
        held = false;
        try (Statement s = connection.createStatement()) {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            s.execute("SELECT pg_advisory_unlock(" + KEY + ")");
        } catch (SQLException e) {
            log.debug("releasing the migration lock on {} failed ({}); it ends with the session", database, e.getMessage());
        }
    }
}

package io.pgwarden.health;

import io.pgwarden.pg.NodeRole;
import io.pgwarden.core.Lsn;
import java.time.Instant;

/**
 * One observation of PostgreSQL. Fields that could not be read are null: a primary has no replay
 * LSN, an unreachable server has nothing but its state and the error.
 *
 * @param state         whether it accepts connections
 * @param role          primary or replica (UNKNOWN unless RUNNING)
 * @param serverVersionNum {@code server_version_num}, e.g. 150008
 * @param writable      a primary whose {@code default_transaction_read_only} is off
 * @param timeline      the timeline: the WAL receiver's on a streaming replica, else the last checkpoint's
 * @param currentLsn    {@code pg_current_wal_lsn()} on a primary
 * @param receiveLsn    {@code pg_last_wal_receive_lsn()} on a replica
 * @param replayLsn     {@code pg_last_wal_replay_lsn()} on a replica
 * @param streaming     a replica whose WAL receiver is in state {@code streaming}
 * @param lagBytes      0 on a primary; on a replica, WAL the primary reported that is not replayed yet
 * @param lagSeconds    0 on a primary and on a replica that replayed all it received; else the age of
 *                      the last replayed transaction
 * @param statistics    activity counters, null when not read
 * @param error         why the server was not reached (masked, never a password), null when RUNNING
 * @param observedAt    when the probe ran, null when NOT_PROBED
 * @param phase         what the agent is doing before it can connect (run mode: "resolving PostgreSQL
 *                      binaries", "starting PostgreSQL"); progress, not an error; null once attached
 */
public record PostgresStatus(PostgresState state, NodeRole role, Integer serverVersionNum, Boolean writable,
        Long timeline, Lsn currentLsn, Lsn receiveLsn, Lsn replayLsn, boolean streaming, Long lagBytes,
        Double lagSeconds, PostgresStatistics statistics, String error, Instant observedAt, String phase) {

    /** An observation without a phase (every probe result). */
    public PostgresStatus(PostgresState state, NodeRole role, Integer serverVersionNum, Boolean writable,
            Long timeline, Lsn currentLsn, Lsn receiveLsn, Lsn replayLsn, boolean streaming, Long lagBytes,
            Double lagSeconds, PostgresStatistics statistics, String error, Instant observedAt) {
        this(state, role, serverVersionNum, writable, timeline, currentLsn, receiveLsn, replayLsn, streaming, lagBytes,
                lagSeconds, statistics, error, observedAt, null);
    }

    /** The agent has not attached a probe yet and is doing {@code phase} (STARTING, no error). */
    public static PostgresStatus starting(String phase, Instant at) {
        return new PostgresStatus(PostgresState.STARTING, NodeRole.UNKNOWN, null, null, null, null, null, null, false,
                null, null, null, null, at, phase);
    }

    /** Before the first probe. */
    public static PostgresStatus notProbed() {
        return down(PostgresState.NOT_PROBED, null, null);
    }

    /** A server that is not RUNNING, with the reason. */
    public static PostgresStatus down(PostgresState state, String error, Instant at) {
        return new PostgresStatus(state, NodeRole.UNKNOWN, null, null, null, null, null, null, false, null, null,
                null, error, at);
    }

    public boolean running() {
        return state == PostgresState.RUNNING;
    }

    /** The server answers connections: RUNNING, or up without the target database. */
    public boolean reachable() {
        return state == PostgresState.RUNNING || state == PostgresState.DATABASE_MISSING;
    }

    /** The same observation with another state and error (used when the agent knows better, e.g. STOPPED). */
    public PostgresStatus withState(PostgresState newState, String newError) {
        return new PostgresStatus(newState, role, serverVersionNum, writable, timeline, currentLsn, receiveLsn,
                replayLsn, streaming, lagBytes, lagSeconds, statistics, newError, observedAt, phase);
    }
}

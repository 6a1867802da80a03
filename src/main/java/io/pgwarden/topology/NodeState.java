package io.pgwarden.topology;

import io.pgwarden.pg.NodeRole;
import io.pgwarden.core.Lsn;
import java.time.Duration;

/**
 * What one probe of one node found. Immutable. Fields a role does not have are null: a primary has
 * {@code currentLsn} but no receive/replay LSN or WAL receiver; an unreachable node has only its address,
 * {@code error} and {@code probeTime}.
 *
 * @param address         the node as the node list names it
 * @param reachable       it answered the probe queries within the deadline
 * @param role            primary, replica, or unknown (unreachable)
 * @param timeline        the timeline it writes (primary) or receives/replays (replica); 0 when unknown
 * @param systemIdentifier pg_control's database system identifier: nodes of one cluster share it
 * @param currentLsn      primary only: {@code pg_current_wal_lsn()}
 * @param receiveLsn      replica only: {@code pg_last_wal_receive_lsn()} (null before anything was streamed)
 * @param replayLsn       replica only: {@code pg_last_wal_replay_lsn()}
 * @param lagBytes        replica only: the unique primary's current LSN minus this replay LSN; null when there is
 *                        no unique primary to compare with
 * @param replayLag       replica only: time since the last replayed transaction when WAL is waiting to be
 *                        replayed, zero when replay has caught up; null when unknown
 * @param replayPaused    replica only: {@code pg_is_wal_replay_paused()}
 * @param walReceiver     replica only: its WAL receiver, null when none runs
 * @param streamingReplicas primary only: walsenders in state {@code streaming} ({@code pg_stat_replication})
 * @param error           why it is unreachable or unknown, null otherwise; never contains a password
 * @param probeTime       how long the probe took
 */
public record NodeState(NodeAddress address, boolean reachable, NodeRole role, int timeline, String systemIdentifier,
        Lsn currentLsn, Lsn receiveLsn, Lsn replayLsn, Long lagBytes, Duration replayLag, boolean replayPaused,
        WalReceiver walReceiver, int streamingReplicas, String error, Duration probeTime) {

    public static NodeState unreachable(NodeAddress address, String error, Duration probeTime) {
        return new NodeState(address, false, NodeRole.UNKNOWN, 0, null, null, null, null, null, null, false, null, 0,
                error, probeTime);
    }

    public static NodeState primary(NodeAddress address, int timeline, String systemIdentifier, Lsn currentLsn,
            int streamingReplicas, Duration probeTime) {
        return new NodeState(address, true, NodeRole.PRIMARY, timeline, systemIdentifier, currentLsn, null, null, null,
                null, false, null, streamingReplicas, null, probeTime);
    }

    public static NodeState replica(NodeAddress address, int timeline, String systemIdentifier, Lsn receiveLsn,
            Lsn replayLsn, Duration replayLag, boolean replayPaused, WalReceiver walReceiver, Duration probeTime) {
        return new NodeState(address, true, NodeRole.REPLICA, timeline, systemIdentifier, null, receiveLsn, replayLsn,
                null, replayLag, replayPaused, walReceiver, 0, null, probeTime);
    }

    /** This state with the byte lag computed against a primary's current LSN. */
    public NodeState withLagBytes(long bytes) {
        return new NodeState(address, reachable, role, timeline, systemIdentifier, currentLsn, receiveLsn, replayLsn,
                bytes, replayLag, replayPaused, walReceiver, streamingReplicas, error, probeTime);
    }

    public boolean isPrimary() {
        return reachable && role == NodeRole.PRIMARY;
    }

    public boolean isReplica() {
        return reachable && role == NodeRole.REPLICA;
    }

    /** One line for logs and reasons: {@code 127.0.0.1:5433 replica tl 1 replay 0/3000060 streaming from ...}. */
    public String describe() {
        if (!reachable) {
            return address + " down (" + error + ")";
        }
        if (role == NodeRole.PRIMARY) {
            return address + " primary (timeline " + timeline + ", " + currentLsn + ", " + streamingReplicas + " streaming)";
        }
        String recv = walReceiver == null ? "no WAL receiver" : walReceiver.status() + " from " + walReceiver.sender();
        return address + " replica (timeline " + timeline + ", replay " + replayLsn + ", " + recv
                + (replayPaused ? ", replay paused" : "") + ")";
    }
}

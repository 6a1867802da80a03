package io.pgwarden.ha;

import io.pgwarden.core.Lsn;
import io.pgwarden.topology.NodeRole;
import java.util.Objects;

/**
 * What one member publishes about itself in its member key, each cycle, with the store's TTL: peers read it to pick
 * a failover candidate, {@code cluster status} shows it. LSNs a role does not have are null.
 *
 * @param name             the member (node) name, unique in the cluster
 * @param role             what its PostgreSQL is now (UNKNOWN when it is down)
 * @param timeline         the timeline it writes or replays; 0 when unknown
 * @param systemIdentifier pg_control's system identifier, null before initdb
 * @param writeLsn         primary only: {@code pg_current_wal_lsn()}
 * @param receiveLsn       replica only: {@code pg_last_wal_receive_lsn()}
 * @param replayLsn        replica only: {@code pg_last_wal_replay_lsn()}
 * @param advertise        how peers and clients reach its PostgreSQL ({@code host:port})
 * @param healthUrl        base URL of its health server ({@code http://10.0.0.5:8008})
 * @param noFailover       tagged {@code --no-failover}: never a failover candidate
 * @param failoverPriority {@code --failover-priority}: higher wins a tie between equally advanced candidates
 * @param lastDecision     the reason of its last HA decision, for {@code cluster status}; may be empty
 */
public record MemberState(String name, NodeRole role, int timeline, String systemIdentifier, Lsn writeLsn,
        Lsn receiveLsn, Lsn replayLsn, String advertise, String healthUrl, boolean noFailover, int failoverPriority,
        String lastDecision) {

    public MemberState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        lastDecision = lastDecision == null ? "" : lastDecision;
    }

    /** The furthest WAL position it has: the write position of a primary, max(receive, replay) of a replica. */
    public Lsn position() {
        Lsn best = Lsn.ZERO;
        for (Lsn l : new Lsn[] {writeLsn, receiveLsn, replayLsn}) {
            if (l != null && l.compareTo(best) > 0) {
                best = l;
            }
        }
        return best;
    }

    public MemberState withLastDecision(String reason) {
        return new MemberState(name, role, timeline, systemIdentifier, writeLsn, receiveLsn, replayLsn, advertise,
                healthUrl, noFailover, failoverPriority, reason);
    }
}

package io.pgwarden.ha;

import io.pgwarden.core.Lsn;
import io.pgwarden.topology.NodeRole;
import java.time.Duration;
import java.util.Objects;

/**
 * What this node observed about its own PostgreSQL this cycle (from its probe), the input of {@link HaDecider}
 * beside the store's view.
 *
 * @param name             this member
 * @param dataInitialized  the data directory holds a cluster (initdb or clone finished)
 * @param systemIdentifier pg_control's system identifier, null when not initialised
 * @param running          PostgreSQL accepts connections
 * @param role             primary or replica (UNKNOWN when not running)
 * @param timeline         its timeline, 0 when unknown
 * @param position         write LSN of a primary, max(receive, replay) of a replica
 * @param noFailover       tagged --no-failover
 * @param failoverPriority --failover-priority (higher wins ties)
 * @param downFor          how long its PostgreSQL has not been running (zero while it runs)
 */
public record LocalState(String name, boolean dataInitialized, String systemIdentifier, boolean running,
        NodeRole role, int timeline, Lsn position, boolean noFailover, int failoverPriority, Duration downFor) {

    public LocalState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        position = position == null ? Lsn.ZERO : position;
        downFor = downFor == null || running ? Duration.ZERO : downFor;
    }

    /** A state whose PostgreSQL, if down, has just gone down. */
    public LocalState(String name, boolean dataInitialized, String systemIdentifier, boolean running, NodeRole role,
            int timeline, Lsn position, boolean noFailover, int failoverPriority) {
        this(name, dataInitialized, systemIdentifier, running, role, timeline, position, noFailover, failoverPriority,
                Duration.ZERO);
    }

    public boolean isRunningPrimary() {
        return running && role == NodeRole.PRIMARY;
    }

    public boolean isRunningReplica() {
        return running && role == NodeRole.REPLICA;
    }

    /** The member key this state publishes, with the given health URL, address and decision. */
    public MemberState toMember(String advertise, String healthUrl, String lastDecision) {
        return new MemberState(name, running ? role : NodeRole.UNKNOWN, timeline, systemIdentifier,
                role == NodeRole.PRIMARY ? position : null, role == NodeRole.REPLICA ? position : null, null,
                advertise, healthUrl, noFailover, failoverPriority, lastDecision);
    }
}

package io.pgwarden.ha;

/** What one HA cycle tells this node to do; {@code InstanceControl} (the agent) carries it out. */
public enum HaAction {
    /** This node won the {@code initialize} key of an empty cluster: initdb, then start as primary. */
    INITIALIZE,
    /** Initialised (or brought existing data) and took the leader key: start or stay primary. */
    BOOTSTRAP_LEADER,
    /** Holds the leader key and renewed it: stay primary (restart in place if PostgreSQL is down). */
    RENEW,
    /** A replica that won the free leader key: promote now. */
    ACQUIRE_AND_PROMOTE,
    /**
     * This node leads and a switchover to {@link HaDecision#leader()} was requested: stop cleanly (shutdown
     * checkpoint) and let the candidate receive it; the next cycle hands the key over.
     */
    SWITCHOVER_DEMOTE,
    /** Another member leads: replicate from it (change upstream; rewind or clone when diverged). */
    FOLLOW,
    /** No data directory yet and a leader exists: clone it (pg_basebackup), then follow. */
    CLONE,
    /** A primary without the leader key, or one that cannot renew before it expires: stop accepting writes now. */
    FENCE,
    /** The store is unreachable but every member confirms this node as leader: stay primary (failsafe mode). */
    STAY_FAILSAFE,
    /** The data directory belongs to another cluster (other system identifier): refuse to join. */
    REFUSE_JOIN,
    /** Nothing to change this cycle (waiting for the store, for an initialiser, or not a failover candidate). */
    WAIT
}

package io.pgwarden.topology;

/** What a probe found a node to be. */
public enum NodeRole {
    /** Not in recovery: accepts writes. */
    PRIMARY,
    /** In recovery (a standby), whether streaming or not. */
    REPLICA,
    /** Not reachable, or it answered but its role could not be read. */
    UNKNOWN
}

package io.pgwarden.pg;

import java.util.Locale;

/**
 * What a PostgreSQL server is, as {@code pg_is_in_recovery()} says: the one role enum of pgwarden (health's
 * status document, the topology probes, healthcheck and status all use it).
 */
public enum NodeRole {
    /** Not in recovery: accepts writes. */
    PRIMARY,
    /** In recovery (a standby), whether streaming or not. */
    REPLICA,
    /** Not reachable, or it answered but its role could not be read. */
    UNKNOWN;

    /** Lower-case name used in JSON documents, metrics and messages. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

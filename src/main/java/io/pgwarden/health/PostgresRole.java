package io.pgwarden.health;

import java.util.Locale;

/** What a reachable server is, as {@code pg_is_in_recovery()} says; UNKNOWN when it was not reached. */
public enum PostgresRole {
    PRIMARY, REPLICA, UNKNOWN;

    /** Lower-case name used in the JSON document and in metrics. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.pgwarden.ha;

import io.pgwarden.core.PgWardenException;
import java.util.List;
import java.util.Locale;

/** {@code --synchronous off|on|strict}: whether a commit waits for a standby, and what a failover may promote. */
public enum SynchronousMode {
    /** Asynchronous replication: a failover may lose the last commits (at most --max-lag-on-failover). */
    OFF,
    /** The leader keeps {@code ANY 1 (...)} over healthy replicas; only a member of the sync set may be promoted. */
    ON,
    /** As {@link #ON}, and never falls back to asynchronous: writes wait while no standby is there. */
    STRICT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the flag value; the error names the flag, the value and the allowed values. */
    public static SynchronousMode parse(String flag, String value) {
        for (SynchronousMode m : values()) {
            if (m.label().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return m;
            }
        }
        throw PgWardenException.invalid(List.of(flag + "=" + value + ": allowed values are off, on, strict"));
    }
}

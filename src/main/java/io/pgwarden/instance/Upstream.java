package io.pgwarden.instance;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The primary a replica streams from, as the replica's {@code primary_conninfo} names it: host, port, the
 * replication role, the node's physical replication slot and its {@code application_name}.
 *
 * @param host            the primary's host name or address
 * @param port            the primary's port
 * @param role            the replication role (e.g. {@value #DEFAULT_ROLE})
 * @param slot            the physical replication slot on the primary, validated by {@link #validateSlot}
 * @param applicationName how the primary's {@code pg_stat_replication} names this replica (the node name)
 */
public record Upstream(String host, int port, String role, String slot, String applicationName) {
    public static final String DEFAULT_ROLE = "replicator";
    /** PostgreSQL's rule for slot names: lower-case letters, digits and underscores, at most NAMEDATALEN-1 bytes. */
    private static final Pattern SLOT = Pattern.compile("[a-z0-9_]{1,63}");

    public Upstream {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
        validateSlot(slot);
    }

    /**
     * The slot name derived from a node name: lower case, every character other than a-z, 0-9 and
     * underscore replaced by an underscore, cut to 63 characters ({@code node-2.example} → {@code node_2_example}).
     */
    public static String slotFor(String nodeName) {
        String s = nodeName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return s.length() > 63 ? s.substring(0, 63) : s;
    }

    /** @throws PgWardenException INVALID_INPUT naming the slot and PostgreSQL's rule */
    public static String validateSlot(String slot) {
        if (slot == null || !SLOT.matcher(slot).matches()) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "--slot=" + slot + ": a replication slot name may"
                    + " contain only lower-case letters, digits and underscores, 1 to 63 characters (e.g. node_2).");
        }
        return slot;
    }

    /** {@code host:port}. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}

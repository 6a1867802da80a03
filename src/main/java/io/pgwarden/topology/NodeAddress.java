package io.pgwarden.topology;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One node of the node list: host (name, IPv4 or IPv6 literal) and port. Parsed from what users write in
 * {@code PG_NODES}: {@code 10.0.0.1,10.0.0.2:5433,[fd00::1]:5434}; the port defaults to 5432.
 */
public record NodeAddress(String host, int port) implements Comparable<NodeAddress> {
    public static final int DEFAULT_PORT = 5432;

    public NodeAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
    }

    /**
     * Parses one entry: {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}.
     *
     * @throws IllegalArgumentException naming the entry and the expected form
     */
    public static NodeAddress parse(String entry, int defaultPort) {
        String e = entry.trim();
        String host;
        String port = null;
        if (e.startsWith("[")) {
            int close = e.indexOf(']');
            if (close < 0) {
                throw bad(e);
            }
            host = e.substring(1, close);
            String rest = e.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(e);
                }
                port = rest.substring(1);
            }
        } else if (e.indexOf(':') != e.lastIndexOf(':')) {
            host = e; // a bare IPv6 literal without brackets cannot carry a port
        } else {
            int colon = e.indexOf(':');
            host = colon < 0 ? e : e.substring(0, colon);
            port = colon < 0 ? null : e.substring(colon + 1);
        }
        if (host.isBlank() || host.contains(" ")) {
            throw bad(e);
        }
        int p = defaultPort;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("'" + e + "' has port '" + port + "': expected a number from 1 to 65535");
            }
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("'" + e + "' has port " + p + ": expected a number from 1 to 65535");
            }
        }
        return new NodeAddress(host, p);
    }

    /**
     * Parses a comma-separated node list; blanks around entries are ignored, duplicates rejected.
     *
     * @throws IllegalArgumentException naming the first wrong entry
     */
    public static List<NodeAddress> parseList(String list, int defaultPort) {
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException("the node list is empty; expected host[:port] entries separated by commas, "
                    + "e.g. 10.0.0.1,10.0.0.2:5433");
        }
        LinkedHashSet<NodeAddress> out = new LinkedHashSet<>();
        for (String entry : list.split(",")) {
            if (entry.isBlank()) {
                throw new IllegalArgumentException("the node list has an empty entry; expected host[:port] entries separated "
                        + "by commas, e.g. 10.0.0.1,10.0.0.2:5433");
            }
            NodeAddress a = parse(entry, defaultPort);
            if (!out.add(a)) {
                throw new IllegalArgumentException("'" + a + "' is listed twice");
            }
        }
        return List.copyOf(new ArrayList<>(out));
    }

    private static IllegalArgumentException bad(String entry) {
        return new IllegalArgumentException("'" + entry + "' is not a node address; expected host or host:port, "
                + "e.g. 10.0.0.2:5433 or [fd00::2]:5433");
    }

    /** True when the host is written as an IP address (no DNS lookup needed). */
    public boolean isIpLiteral() {
        return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    @Override
    public int compareTo(NodeAddress o) {
        int c = host.compareTo(o.host);
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    /** {@code host:port}, IPv6 in brackets. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}

package io.pgwarden.cli;

import io.pgwarden.core.Durations;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parsers for the values of pgwarden's commands (one wording per rule). Each throws
 * {@link IllegalArgumentException} with the rule, which {@link io.pgwarden.config.ConfigSources}
 * prefixes with {@code <origin>=<value>: }.
 */
final class InputParsers {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private InputParsers() {
    }

    static int port(String text) {
        try {
            int p = Integer.parseInt(text.trim());
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("expected a port number from 1 to 65535");
    }

    static int positive(String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("expected a whole number of at least 1");
    }

    static Duration positiveDuration(String text) {
        Duration d = Durations.parse(text);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("expected a duration above zero such as 500ms, 10s, 2m or 1h");
        }
        return d;
    }

    /**
     * {@code --lock-timeout} / {@code MIGRATE_LOCK_TIMEOUT}, the same for {@code migrate} and the agents: a duration of
     * zero or more; 0 means do not wait (fail at once, and the agent retries later, when another runner holds the lock).
     */
    static Duration lockTimeout(String text) {
        return Durations.parse(text);
    }

    /** A directory that exists now, e.g. the migrations (a mounted ConfigMap). */
    static java.nio.file.Path existingDirectory(String text) {
        java.nio.file.Path p = path(text);
        if (!java.nio.file.Files.isDirectory(p)) {
            throw new IllegalArgumentException("not a directory; mount the migrations there or fix the path");
        }
        return p;
    }

    /** A plain SQL identifier (database, schema), as {@link io.pgwarden.pg.SqlIdentifiers} accepts it. */
    static String identifier(String text) {
        String problem = io.pgwarden.pg.SqlIdentifiers.problem(text);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return text;
    }

    /** true/yes/on/1 or false/no/off/0, any case. */
    static boolean bool(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    /** {@code listen_addresses}: comma-separated IP addresses, {@code localhost} or {@code *}. */
    static List<String> listenAddresses(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String a = part.trim();
            if (a.isEmpty()) {
                continue;
            }
            if (!a.equals("*") && !a.equals("localhost") && !isIpLiteral(a)) {
                throw new IllegalArgumentException("'" + a + "' is not an IP address; use addresses such as 127.0.0.1,"
                        + " ::1, 10.0.0.5, localhost, or * for all interfaces");
            }
            out.add(a);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("at least one address is needed, e.g. 127.0.0.1");
        }
        return out;
    }

    /** Networks for pg_hba.conf: comma-separated CIDRs such as {@code 10.0.0.0/8} or {@code fd00::/8}. */
    static List<String> cidrs(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String c = part.trim();
            if (c.isEmpty()) {
                continue;
            }
            int slash = c.indexOf('/');
            String ip = slash < 0 ? c : c.substring(0, slash);
            boolean v6 = ip.contains(":");
            int max = v6 ? 128 : 32;
            int prefix;
            try {
                prefix = slash < 0 ? -1 : Integer.parseInt(c.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (!isIpLiteral(ip)) {
                throw new IllegalArgumentException("'" + c + "' is not a network in CIDR notation such as 10.0.0.0/8"
                        + " or fd00::/8 (an IP address, '/', and a prefix length)");
            }
            if (slash < 0 || prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("'" + c + "' is not a network in CIDR notation; use e.g. 10.0.0.0/8,"
                        + " 192.168.1.0/24 or fd00::/8 (prefix 0-32 for IPv4, 0-128 for IPv6)");
            }
            out.add(c);
        }
        return out;
    }

    /** A PostgreSQL major such as 15 or 18. */
    static io.pgwarden.core.PgVersion major(String text) {
        if (!text.trim().matches("\\d{1,3}")) {
            throw new IllegalArgumentException("expected a PostgreSQL major version such as 15, 16, 17 or 18");
        }
        return new io.pgwarden.core.PgVersion(Integer.parseInt(text.trim()));
    }

    /** A file system path; rejects empty text and NUL characters. */
    static java.nio.file.Path path(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("expected a path");
        }
        try {
            return java.nio.file.Path.of(text.trim());
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path (" + e.getReason() + ")", e);
        }
    }

    /** A path to a file this user can read, e.g. a password file given by the user (which pgwarden never creates). */
    static java.nio.file.Path readableFile(String text) {
        java.nio.file.Path p = path(text);
        if (!java.nio.file.Files.exists(p)) {
            throw new IllegalArgumentException("no such file; check the path");
        }
        if (!java.nio.file.Files.isRegularFile(p)) {
            throw new IllegalArgumentException("not a file");
        }
        if (!java.nio.file.Files.isReadable(p)) {
            throw new IllegalArgumentException("not readable by this user; run as a user that can read it");
        }
        return p;
    }

    private static boolean isIpLiteral(String a) {
        if (a.contains(":")) {
            try {
                return InetAddress.getByName(a.startsWith("[") ? a : a) instanceof java.net.Inet6Address;
            } catch (UnknownHostException | SecurityException e) {
                return false;
            }
        }
        if (!IPV4.matcher(a).matches()) {
            return false;
        }
        for (String octet : a.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }
}

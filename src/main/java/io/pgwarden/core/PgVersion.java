package io.pgwarden.core;

/**
 * A PostgreSQL major version (10 and later use one number). pgwarden supports 13 to 18 for tuning
 * and 15 to 18 for running servers.
 */
public record PgVersion(int major) implements Comparable<PgVersion> {
    public static final int OLDEST_SUPPORTED = 13;
    public static final int NEWEST_SUPPORTED = 18;

    public PgVersion {
        if (major < OLDEST_SUPPORTED || major > NEWEST_SUPPORTED) {
            throw new IllegalArgumentException("PostgreSQL " + major + " is not supported; use "
                    + OLDEST_SUPPORTED + " to " + NEWEST_SUPPORTED);
        }
    }

    /**
     * Parses {@code 15}, {@code 15.4}, {@code 18beta1} or the output of {@code postgres --version}
     * ({@code postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)}).
     */
    public static PgVersion parse(String text) {
        String t = text == null ? "" : text.trim();
        int idx = t.indexOf("PostgreSQL)");
        if (idx >= 0) {
            t = t.substring(idx + "PostgreSQL)".length()).trim();
        }
        int end = 0;
        while (end < t.length() && Character.isDigit(t.charAt(end))) {
            end++;
        }
        if (end == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a PostgreSQL version; use a major such as 15 or 18");
        }
        return new PgVersion(Integer.parseInt(t.substring(0, end)));
    }

    public boolean atLeast(int otherMajor) {
        return major >= otherMajor;
    }

    @Override
    public int compareTo(PgVersion o) {
        return Integer.compare(major, o.major);
    }

    @Override
    public String toString() {
        return Integer.toString(major);
    }
}

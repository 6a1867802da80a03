package io.pgwarden.migrate;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A migration version such as {@code 1}, {@code 1.2} or {@code 2024.01.05.1}, compared part by part as
 * numbers ({@code 10} after {@code 9}, {@code 1.10} after {@code 1.9}); missing trailing parts count as
 * zero, so {@code 1} and {@code 1.0} are the same version. {@code _} separates parts like {@code .}.
 */
public record MigrationVersion(List<BigInteger> parts, String text) implements Comparable<MigrationVersion> {
    public MigrationVersion {
        parts = List.copyOf(parts);
    }

    /** @throws IllegalArgumentException when {@code text} is not dot- or underscore-separated digits */
    public static MigrationVersion parse(String text) {
        if (!wellFormed(text)) {
            throw new IllegalArgumentException("'" + text + "' is not a version; use digits separated by dots,"
                    + " such as 1, 1.2 or 2024.01.05.1");
        }
        List<BigInteger> parts = new ArrayList<>(4);
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '.' || text.charAt(i) == '_') {
                String p = text.substring(start, i);
                parts.add(p.length() < 18 ? BigInteger.valueOf(Long.parseLong(p)) : new BigInteger(p));
                start = i + 1;
            }
        }
        return new MigrationVersion(parts, text.replace('_', '.'));
    }

    /**
     * {@code \d+([._]\d+)*} (ASCII digits), checked by hand: a directory of thousands of files parses as many
     * versions on every run, and a cold regular expression costs more than the rest of the parse.
     */
    static boolean wellFormed(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        boolean digitBefore = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digitBefore = true;
            } else if ((c == '.' || c == '_') && digitBefore) {
                digitBefore = false;
            } else {
                return false;
            }
        }
        return digitBefore;
    }

    @Override
    public int compareTo(MigrationVersion o) {
        int n = Math.max(parts.size(), o.parts.size());
        for (int i = 0; i < n; i++) {
            BigInteger a = i < parts.size() ? parts.get(i) : BigInteger.ZERO;
            BigInteger b = i < o.parts.size() ? o.parts.get(i) : BigInteger.ZERO;
            int c = a.compareTo(b);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MigrationVersion v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        int end = parts.size();
        while (end > 1 && parts.get(end - 1).signum() == 0) {
            end--;
        }
        return parts.subList(0, end).hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}

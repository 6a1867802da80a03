package io.pgwarden.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory or disk in bytes. Parses what users write ({@code 1536MB}, {@code 2GB},
 * {@code 512kB}, {@code 1.5GiB}; a bare number means {@code defaultUnit}) and renders values the way
 * postgresql.conf writes them: the largest of kB, MB, GB, TB that divides the value exactly.
 * Units are binary (1 MB = 1024 kB), as in PostgreSQL.
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {
    public static final long KB = 1024L;
    public static final long MB = KB * 1024;
    public static final long GB = MB * 1024;
    public static final long TB = GB * 1024;

    private static final Pattern FORMAT = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)\\s*");

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("size cannot be negative: " + bytes);
        }
    }

    public static ByteSize ofMb(long mb) {
        return new ByteSize(Math.multiplyExact(mb, MB));
    }

    public static ByteSize ofKb(long kb) {
        return new ByteSize(Math.multiplyExact(kb, KB));
    }

    /**
     * Parses {@code text}; a number without unit is taken in {@code defaultUnit} bytes.
     *
     * @throws IllegalArgumentException with a message listing the accepted forms
     */
    public static ByteSize parse(String text, long defaultUnit) {
        Matcher m = FORMAT.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 512MB, 2GB or 1536 (MB)");
        }
        double number = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "" -> defaultUnit;
            case "b" -> 1;
            case "k", "kb", "kib" -> KB;
            case "m", "mb", "mib" -> MB;
            case "g", "gb", "gib" -> GB;
            case "t", "tb", "tib" -> TB;
            default -> throw new IllegalArgumentException(
                    "unknown unit '" + m.group(2) + "'; use B, kB, MB, GB or TB");
        };
        double bytes = number * unit;
        if (bytes > Long.MAX_VALUE) {
            throw new IllegalArgumentException("size is too large");
        }
        return new ByteSize((long) bytes);
    }

    public long toMb() {
        return bytes / MB;
    }

    public long toKb() {
        return bytes / KB;
    }

    /** PostgreSQL's notation, in the largest unit that divides exactly (at least kB), e.g. {@code 384MB}. */
    public String toPgString() {
        long kb = bytes / KB;
        if (kb != 0 && kb % (TB / KB) == 0) {
            return kb / (TB / KB) + "TB";
        }
        if (kb != 0 && kb % (GB / KB) == 0) {
            return kb / (GB / KB) + "GB";
        }
        if (kb != 0 && kb % (MB / KB) == 0) {
            return kb / (MB / KB) + "MB";
        }
        return kb + "kB";
    }

    /** A rounded human form for messages, e.g. {@code 1.5 GB}. */
    public String toHuman() {
        if (bytes >= GB) {
            return trim(bytes / (double) GB) + " GB";
        }
        if (bytes >= MB) {
            return trim(bytes / (double) MB) + " MB";
        }
        if (bytes >= KB) {
            return trim(bytes / (double) KB) + " kB";
        }
        return bytes + " B";
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    @Override
    public int compareTo(ByteSize o) {
        return Long.compare(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return toPgString();
    }
}

package io.pgwarden.core;

/** A WAL location, as PostgreSQL prints it ({@code 16/B374D848}). */
public record Lsn(long value) implements Comparable<Lsn> {
    public static final Lsn ZERO = new Lsn(0);

    /** Parses {@code X/Y} hexadecimal notation. */
    public static Lsn parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("LSN is null");
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not an LSN such as 0/16B3740");
        }
        try {
            long hi = Long.parseLong(text.substring(0, slash), 16);
            long lo = Long.parseLong(text.substring(slash + 1), 16);
            return new Lsn((hi << 32) | lo);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an LSN such as 0/16B3740", e);
        }
    }

    /** Bytes from {@code other} to this location; 0 when {@code other} is ahead. */
    public long bytesAfter(Lsn other) {
        return Math.max(0, value - other.value);
    }

    @Override
    public int compareTo(Lsn o) {
        return Long.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}

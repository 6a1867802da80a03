package io.pgwarden.migrate;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;

/**
 * The part of a file's text being split: characters are addressed by their offset in the file, read from the
 * {@link Reader} as they are first asked for, and dropped by {@link #compact(long)} once split, so a file of any size
 * is held only a statement (or a chunk of COPY data) at a time.
 */
final class TextWindow {
    private final Reader in;
    private final StringBuilder buf = new StringBuilder();
    /** Allocated on the first read from {@code in}: a text given whole needs none. */
    private char[] chunk;
    /** The file offset of {@code buf}'s first character. */
    private long base;
    private boolean eof;

    /** A window over {@code in}. */
    TextWindow(Reader in) {
        this.in = in;
    }

    /** A window over a whole text already in memory. */
    TextWindow(String text) {
        this.in = null;
        buf.append(text);
        eof = true;
    }

    /** True when the file has a character at offset {@code p}, reading more when needed. */
    boolean has(long p) {
        while (p >= base + buf.length()) {
            if (eof) {
                return false;
            }
            fill();
        }
        return true;
    }

    /** The character at offset {@code p}, or NUL past the end. */
    char ch(long p) {
        return has(p) ? buf.charAt((int) (p - base)) : '\0';
    }

    /** The text of [from, to), cut at the end of the file. */
    String text(long from, long to) {
        has(to - 1);
        return buf.substring((int) (from - base), (int) (Math.min(to, base + buf.length()) - base));
    }

    /** Drops the text before {@code keepFrom} (nothing before it is asked for again). */
    void compact(long keepFrom) {
        if (keepFrom > base) {
            buf.delete(0, (int) (keepFrom - base));
            base = keepFrom;
        }
    }

    /** The offset of the first character still held. */
    long base() {
        return base;
    }

    /** How many characters are held. */
    int size() {
        return buf.length();
    }

    private void fill() {
        if (chunk == null) {
            chunk = new char[8192];
        }
        try {
            int n = in.read(chunk);
            if (n < 0) {
                eof = true;
            } else {
                buf.append(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

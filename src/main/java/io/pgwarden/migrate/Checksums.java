package io.pgwarden.migrate;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The checksum recorded for a file: CRC32 over its bytes with a leading UTF-8 byte-order mark dropped and
 * CRLF / CR line endings read as LF, so a file checked out on Windows or edited there matches its history.
 */
public final class Checksums {
    /** 16 KiB: holds a typical migration in one read; grown for bigger files, one buffer per reading thread. */
    private static final int INITIAL_BUFFER = 16 * 1024;
    private static final ThreadLocal<byte[][]> BUFFER =
            ThreadLocal.withInitial(() -> new byte[][] {new byte[INITIAL_BUFFER]});
    private static final byte[] LF = {'\n'};

    private Checksums() {
    }

    public static int of(byte[] content) {
        return of(content, content.length);
    }

    /**
     * Reads the file and returns its checksum. Thousands of small files are bound by system calls, so it reads
     * with a plain stream into a buffer the calling thread reuses (open, read until end, close) instead of
     * allocating a channel and an array per file.
     */
    public static int of(Path file) throws IOException {
        byte[][] holder = BUFFER.get();
        byte[] buf = holder[0];
        int n = 0;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            while (true) {
                if (n == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                    holder[0] = buf;
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        }
        return of(buf, n);
    }

    /** The checksum of {@code content[0, length)}: CRC32 of the normalised bytes, computed without copying them. */
    static int of(byte[] content, int length) {
        int start = length >= 3 && (content[0] & 0xff) == 0xEF && (content[1] & 0xff) == 0xBB
                && (content[2] & 0xff) == 0xBF ? 3 : 0;
        CRC32 crc = new CRC32();
        int run = start; // first byte of the current run of bytes taken as they are
        for (int i = start; i < length; i++) {
            if (content[i] == '\r') {
                crc.update(content, run, i - run);
                if (i + 1 < length && content[i + 1] == '\n') {
                    run = i + 1; // CRLF: drop the CR, the LF starts the next run
                } else {
                    crc.update(LF, 0, 1); // a lone CR reads as LF
                    run = i + 1;
                }
            }
        }
        crc.update(content, run, length - run);
        return (int) crc.getValue();
    }
}

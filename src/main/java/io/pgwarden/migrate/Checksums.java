package io.pgwarden.migrate;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The checksums of a file, computed in one streaming pass with one fixed buffer per reading thread (a 1 GB seed
 * costs no more memory than a 1 KB file):
 * <ul>
 * <li>pgwarden's, recorded in its history: CRC32 over the bytes with a leading UTF-8 byte-order mark dropped and
 * CRLF / CR line endings read as LF, so a file checked out on Windows or edited there matches its history;</li>
 * <li>Flyway's (9 and later, {@code ChecksumCalculator}): CRC32 over the UTF-8 bytes of the file's lines without
 * their line terminators ({@code BufferedReader.readLine()}: LF, CR or CRLF), the byte-order mark dropped. Used to
 * compare a file with a row adopted from {@code flyway_schema_history}.</li>
 * </ul>
 */
public final class Checksums {
    /** 64 KiB: a typical migration in one read, and big files in chunks of a size the kernel reads ahead anyway. */
    private static final int BUFFER = 64 * 1024;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER]);
    private static final byte[] LF = {'\n'};

    /** Both checksums of one file. */
    public record FileChecksums(int pgwarden, int flyway) {
    }

    private Checksums() {
    }

    /** pgwarden's checksum of {@code content}. */
    public static int of(byte[] content) {
        Digest d = new Digest();
        d.update(content, 0, content.length);
        return d.finish().pgwarden();
    }

    /** Flyway's checksum of {@code content}. */
    public static int flywayOf(byte[] content) {
        Digest d = new Digest();
        d.update(content, 0, content.length);
        return d.finish().flyway();
    }

    /**
     * Flyway's checksum of a repeatable file with its placeholders replaced, as Flyway records it for a repeatable
     * migration when placeholder replacement is on (everywhere, comments included); null when a placeholder has no
     * value here.
     */
    static Integer flywayReplaced(ResolvedMigration m, Placeholders placeholders) throws IOException {
        String text = new String(java.nio.file.Files.readAllBytes(m.path()), java.nio.charset.StandardCharsets.UTF_8);
        Placeholders p = placeholders.forFile(m);
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (int i = text.indexOf("${"); i >= 0; i = text.indexOf("${", at)) {
            int end = text.indexOf('}', i + 2);
            if (end < 0) {
                break;
            }
            String value = p.lookup(text.substring(i + 2, end));
            if (value == null) {
                return null;
            }
            out.append(text, at, i).append(value);
            at = end + 1;
        }
        out.append(text, at, text.length());
        return flywayOf(out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** pgwarden's checksum of the file. */
    public static int of(Path file) throws IOException {
        return both(file).pgwarden();
    }

    /** Both checksums of the file, read once as a stream. */
    public static FileChecksums both(Path file) throws IOException {
        byte[] buf = BUFFERS.get();
        Digest d = new Digest();
        try (InputStream in = new FileInputStream(file.toFile())) {
            int r;
            while ((r = in.read(buf, 0, buf.length)) >= 0) {
                d.update(buf, 0, r);
            }
        }
        return d.finish();
    }

    /** Feeds chunks of a file (of any size) into both checksums; a CR or a BOM split across chunks is handled. */
    static final class Digest {
        private final CRC32 pgwarden = new CRC32();
        private final CRC32 flyway = new CRC32();
        /** Bytes of a possible leading BOM seen so far (0..3), or -1 once the start of the file is decided. */
        private int bomSeen;
        private final byte[] bomBytes = new byte[3];
        private boolean pendingCr;

        void update(byte[] b, int off, int len) {
            int i = off;
            int end = off + len;
            while (bomSeen >= 0 && i < end) {
                byte expected = bomSeen == 0 ? (byte) 0xEF : bomSeen == 1 ? (byte) 0xBB : (byte) 0xBF;
                if (b[i] != expected) {
                    int seen = bomSeen;
                    bomSeen = -1;
                    feed(bomBytes, 0, seen); // the start only looked like a BOM
                    break;
                }
                bomBytes[bomSeen++] = b[i++];
                if (bomSeen == 3) {
                    bomSeen = -1; // a BOM: dropped
                }
            }
            if (i < end) {
                feed(b, i, end - i);
            }
        }

        private void feed(byte[] b, int off, int len) {
            int end = off + len;
            int run = off; // first byte of the current run taken as it is
            for (int i = off; i < end; i++) {
                byte c = b[i];
                if (pendingCr) {
                    pendingCr = false;
                    if (c != '\n') {
                        pgwarden.update(LF, 0, 1); // a lone CR reads as LF
                    }
                }
                if (c == '\r' || c == '\n') {
                    if (i > run) {
                        pgwarden.update(b, run, i - run);
                        flyway.update(b, run, i - run);
                    }
                    if (c == '\n') {
                        pgwarden.update(LF, 0, 1);
                    } else {
                        pendingCr = true;
                    }
                    run = i + 1;
                }
            }
            if (end > run) {
                pgwarden.update(b, run, end - run);
                flyway.update(b, run, end - run);
            }
        }

        FileChecksums finish() {
            if (bomSeen > 0) {
                feed(bomBytes, 0, bomSeen);
            }
            bomSeen = -1;
            if (pendingCr) {
                pendingCr = false;
                pgwarden.update(LF, 0, 1);
            }
            return new FileChecksums((int) pgwarden.getValue(), (int) flyway.getValue());
        }
    }
}

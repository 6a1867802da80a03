package io.pgwarden.migrate;

import java.util.zip.CRC32;

/**
 * The checksum recorded for a file: CRC32 over its bytes with a leading UTF-8 byte-order mark dropped and
 * CRLF / CR line endings read as LF, so a file checked out on Windows or edited there matches its history.
 */
public final class Checksums {
    private Checksums() {
    }

    public static int of(byte[] content) {
        int start = content.length >= 3 && (content[0] & 0xff) == 0xEF && (content[1] & 0xff) == 0xBB
                && (content[2] & 0xff) == 0xBF ? 3 : 0;
        byte[] normalised = new byte[content.length - start];
        int n = 0;
        for (int i = start; i < content.length; i++) {
            byte b = content[i];
            if (b == '\r') {
                if (i + 1 < content.length && content[i + 1] == '\n') {
                    continue;
                }
                b = '\n';
            }
            normalised[n++] = b;
        }
        CRC32 crc = new CRC32();
        crc.update(normalised, 0, n);
        return (int) crc.getValue();
    }
}

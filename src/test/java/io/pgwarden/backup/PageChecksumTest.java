package io.pgwarden.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The page checksum check on synthetic pages (the algorithm itself was checked against every page of a fresh
 * initdb --data-checksums cluster, and one flipped byte there was caught).
 */
class PageChecksumTest {
    private static byte[] page(long lsn, long blkno) {
        byte[] p = new byte[PageChecksum.BLCKSZ];
        new Random(blkno).nextBytes(p);
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, (int) (lsn >>> 32)).putInt(4, (int) lsn).putShort(14, (short) 4000);
        b.putShort(8, (short) PageChecksum.compute(b, 0, blkno));
        return p;
    }

    @Test
    void anIntactPagePassesAndAFlippedByteOrAMovedPageFails() {
        byte[] p = page(0x1_0000_0000L, 7);
        assertThat(PageChecksum.verify(p, 0, 7, 0x2_0000_0000L)).isTrue();
        assertThat(PageChecksum.verify(p, 0, 8, 0x2_0000_0000L)).as("the block number is part of the checksum").isFalse();
        p[5000] ^= 0x10;
        assertThat(PageChecksum.verify(p, 0, 7, 0x2_0000_0000L)).isFalse();
    }

    @Test
    void newPagesAndPagesChangedDuringTheBackupAreNotChecked() {
        assertThat(PageChecksum.verify(new byte[PageChecksum.BLCKSZ], 0, 3, 1)).isTrue();
        byte[] p = page(0x5_0000_0000L, 3);
        p[6000] ^= 1;
        assertThat(PageChecksum.verify(p, 0, 3, 0x5_0000_0000L)).as("LSN at the backup start: WAL replay rewrites it").isTrue();
    }

    @Test
    void relationFilesAndTheirSegmentsAreRecognised() {
        assertThat(PageChecksum.applies("base/5/16384")).isTrue();
        assertThat(PageChecksum.applies("base/5/16384_vm")).isTrue();
        assertThat(PageChecksum.applies("global/1262.2")).isTrue();
        assertThat(PageChecksum.applies("base/5/PG_VERSION")).isFalse();
        assertThat(PageChecksum.applies("pg_xact/0000")).isFalse();
        assertThat(PageChecksum.firstBlock("base/5/16384.3")).isEqualTo(3L * 131072);
    }
}

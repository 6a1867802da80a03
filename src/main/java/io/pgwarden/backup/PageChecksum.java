package io.pgwarden.backup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.regex.Pattern;

/**
 * PostgreSQL's data page checksum (FNV-1a variant over 32 parallel lanes, storage/checksum_impl.h), to verify
 * pages as a base backup reads them. A page is checked unless it is new (all zero) or was changed after the backup
 * started (its LSN is at or past the start: it may be torn, and WAL replay rewrites it anyway).
 */
final class PageChecksum {
    static final int BLCKSZ = 8192;
    /** Pages per 1 GB relation segment file: block numbers continue across segments. */
    static final int BLOCKS_PER_SEGMENT = 131072;
    private static final int N_SUMS = 32;
    private static final int FNV_PRIME = 16777619;
    private static final int[] BASE = {
        0x5B1F36E9, 0xB8525960, 0x02AB50AA, 0x1DE66D2A, 0x79FF467A, 0x9BB9F8A3, 0x217E7CD2, 0x83E13D2C,
        0xF8D4474F, 0xE39EB970, 0x42C6AE16, 0x993216FA, 0x7B093B5D, 0x98DAFF3C, 0xF718902A, 0x0B1C9CDB,
        0xE58F764B, 0x187636BC, 0x5D7B3BB1, 0xE73DE7DE, 0x92BEC979, 0xCCA6C0B2, 0x304A0979, 0x85AA43D4,
        0x783125BB, 0x6CA8EAA2, 0xE407EAC6, 0x4B5CFC3E, 0x9FBF8C76, 0x15CA20BE, 0xF2CA9FD3, 0x959BD756};
    /** Relation files that carry checksums: main, fsm, vm and init forks, with an optional segment number. */
    private static final Pattern RELATION = Pattern.compile("(base/\\d+|global)/\\d+(_fsm|_vm|_init)?(\\.\\d+)?");

    private PageChecksum() {
    }

    /** Whether {@code path} (relative to the data directory) is a relation file whose pages have checksums. */
    static boolean applies(String path) {
        return RELATION.matcher(path).matches();
    }

    /** The block number of the first page of {@code path} (its segment number times 131072). */
    static long firstBlock(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? 0 : Long.parseLong(path.substring(dot + 1)) * BLOCKS_PER_SEGMENT;
    }

    /**
     * Whether the page at {@code offset} of {@code buf} is intact; new pages and pages at or after {@code startLsn}
     * count as intact.
     */
    static boolean verify(byte[] buf, int offset, long blkno, long startLsn) {
        ByteBuffer b = ByteBuffer.wrap(buf, offset, BLCKSZ).order(ByteOrder.LITTLE_ENDIAN);
        long lsn = ((long) b.getInt(offset) << 32) | (b.getInt(offset + 4) & 0xFFFFFFFFL);
        int stored = b.getShort(offset + 8) & 0xFFFF;
        int upper = b.getShort(offset + 14) & 0xFFFF;
        if (upper == 0 || Long.compareUnsigned(lsn, startLsn) >= 0) {
            return true; // new (unused) page, or changed during the backup
        }
        return compute(b, offset, blkno) == stored;
    }

    static int compute(ByteBuffer b, int offset, long blkno) {
        int[] sums = BASE.clone();
        for (int i = 0; i < BLCKSZ / (4 * N_SUMS); i++) {
            for (int j = 0; j < N_SUMS; j++) {
                int pos = offset + (i * N_SUMS + j) * 4;
                int value = pos == offset + 8 ? b.getInt(pos) & 0xFFFF0000 : b.getInt(pos); // pd_checksum counts as 0
                int tmp = sums[j] ^ value;
                sums[j] = tmp * FNV_PRIME ^ (tmp >>> 17);
            }
        }
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < N_SUMS; j++) {
                int tmp = sums[j];
                sums[j] = tmp * FNV_PRIME ^ (tmp >>> 17);
            }
        }
        int result = 0;
        for (int s : sums) {
            result ^= s;
        }
        result ^= (int) blkno;
        return (int) (Integer.toUnsignedLong(result) % 65535) + 1;
    }
}

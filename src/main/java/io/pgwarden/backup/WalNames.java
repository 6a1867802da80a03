package io.pgwarden.backup;

import io.pgwarden.core.Lsn;
import java.util.regex.Pattern;

/**
 * WAL file names and where they live in the repository. Segments are named {@code TTTTTTTTXXXXXXXXYYYYYYYY}
 * (timeline, then the segment number split in two); with the default 16 MB segments there are 256 per "XXXXXXXX".
 */
public final class WalNames {
    /** PostgreSQL's default, and the only segment size pgwarden supports so far. */
    public static final long SEGMENT_SIZE = 16L * 1024 * 1024;
    private static final long SEGMENTS_PER_ID = 0x1_0000_0000L / SEGMENT_SIZE;
    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");
    private static final Pattern BACKUP_FILE = Pattern.compile("[0-9A-F]{24}\\.[0-9A-F]{8}\\.backup");
    private static final Pattern PARTIAL = Pattern.compile("[0-9A-F]{24}\\.partial");

    private WalNames() {
    }

    public static boolean isSegment(String name) {
        return SEGMENT.matcher(name).matches();
    }

    public static boolean isHistory(String name) {
        return HISTORY.matcher(name).matches();
    }

    /** Whether PostgreSQL archives or asks for a file of this name. */
    public static boolean isArchivable(String name) {
        return isSegment(name) || isHistory(name) || BACKUP_FILE.matcher(name).matches() || PARTIAL.matcher(name).matches();
    }

    /** The timeline (8 hex digits) a WAL file belongs to. */
    public static String timelineOf(String name) {
        return name.substring(0, 8);
    }

    /** The repository key without compression suffix: {@code wal/TLI/NAME}. */
    public static String key(String name) {
        return "wal/" + timelineOf(name) + "/" + name;
    }

    public static int timeline(String name) {
        return Integer.parseInt(timelineOf(name), 16);
    }

    /** The segment number (across all ids) of a segment name. */
    public static long segmentNumber(String segment) {
        long id = Long.parseLong(segment.substring(8, 16), 16);
        long seg = Long.parseLong(segment.substring(16, 24), 16);
        return id * SEGMENTS_PER_ID + seg;
    }

    public static String segmentName(int timeline, long segmentNumber) {
        return String.format("%08X%08X%08X", timeline, segmentNumber / SEGMENTS_PER_ID, segmentNumber % SEGMENTS_PER_ID);
    }

    /** The segment holding {@code lsn} on {@code timeline}. */
    public static String segmentOf(int timeline, Lsn lsn) {
        return segmentName(timeline, Long.divideUnsigned(lsn.value(), SEGMENT_SIZE));
    }

    /** The first LSN after a segment. */
    public static Lsn endOf(String segment) {
        return new Lsn((segmentNumber(segment) + 1) * SEGMENT_SIZE);
    }

    public static String historyName(int timeline) {
        return String.format("%08X.history", timeline);
    }
}

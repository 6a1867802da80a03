package io.pgwarden.backup;

import io.pgwarden.core.Lsn;
import java.time.Instant;
import java.util.Map;

/**
 * How far recovery can go from a backup with the WAL in the archive: walking the segments from the backup's start
 * segment, on the timeline each belongs to on the way to the target timeline, up to the first missing one.
 *
 * @param lastSegment    the last segment present without a gap (null: not even the start segment)
 * @param end            the first LSN after it: recovery can reach any point before
 * @param lastArchivedAt when that last segment was written to the repository: no commit in the chain is later
 * @param firstMissing   the first segment missing (the gap, or simply the next one not archived yet)
 */
public record WalChain(String lastSegment, Lsn end, Instant lastArchivedAt, String firstMissing) {

    /**
     * @param archived archived WAL names (no compression suffix) with the time each was stored
     */
    public static WalChain from(String startSegment, TimelineHistory target, Map<String, Instant> archived) {
        long n = WalNames.segmentNumber(startSegment);
        String last = null;
        Instant at = null;
        while (true) {
            String name = WalNames.segmentName(target.timelineFor(n), n);
            Instant t = archived.get(name);
            if (t == null) {
                return new WalChain(last, last == null ? null : WalNames.endOf(last), at, name);
            }
            last = name;
            at = t;
            n++;
        }
    }

    public boolean reaches(Lsn lsn) {
        return end != null && lsn.compareTo(end) < 0;
    }
}

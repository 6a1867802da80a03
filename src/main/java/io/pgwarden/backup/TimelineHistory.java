package io.pgwarden.backup;

import io.pgwarden.core.Lsn;
import java.util.ArrayList;
import java.util.List;

/**
 * The ancestry of a timeline, from its {@code .history} file: each line {@code parentTLI  switchLSN  reason} says
 * that timeline {@code parentTLI} ended at {@code switchLSN}. Timeline 1 has no history file.
 */
public record TimelineHistory(int timeline, List<Switch> switches) {

    /** Timeline {@code parent} ended (was left for the next one) at {@code at}. */
    public record Switch(int parent, Lsn at) {
    }

    public static TimelineHistory none(int timeline) {
        return new TimelineHistory(timeline, List.of());
    }

    public static TimelineHistory parse(int timeline, String text) {
        List<Switch> out = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            if (f.length >= 2) {
                out.add(new Switch(Integer.parseInt(f[0]), Lsn.parse(f[1])));
            }
        }
        return new TimelineHistory(timeline, List.copyOf(out));
    }

    /** Whether {@code tli} is this timeline or one of its ancestors. */
    public boolean contains(int tli) {
        return tli == timeline || switches.stream().anyMatch(s -> s.parent() == tli);
    }

    /** Where {@code tli} ends on the way to this timeline (null: it does not end, it is this timeline). */
    public Lsn endOf(int tli) {
        return tli == timeline ? null : switches.stream().filter(s -> s.parent() == tli).map(Switch::at).findFirst().orElse(null);
    }

    /** The timeline whose WAL file recovery reads for segment {@code segment}: the newest one begun by then. */
    public int timelineFor(long segment) {
        int tli = switches.isEmpty() ? timeline : switches.get(0).parent();
        for (int i = 0; i < switches.size(); i++) {
            long beginSeg = Long.divideUnsigned(switches.get(i).at().value(), WalNames.SEGMENT_SIZE);
            int next = i + 1 < switches.size() ? switches.get(i + 1).parent() : timeline;
            if (segment >= beginSeg) {
                tli = next;
            }
        }
        return tli;
    }
}

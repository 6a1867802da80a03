package io.pgwarden.ha;

import io.pgwarden.core.Lsn;
import java.util.List;
import java.util.Objects;

/** The {@code history} key: every promotion of the cluster, oldest first, for rejoin decisions and status. */
public record TimelineHistory(List<Entry> entries) {
    public TimelineHistory {
        entries = List.copyOf(entries);
    }

    /** Timeline {@code timeline} ended at {@code lsn} when {@code newLeader} was promoted, for {@code reason}. */
    public record Entry(int timeline, Lsn lsn, String newLeader, String reason) {
        public Entry {
            Objects.requireNonNull(lsn, "lsn");
            Objects.requireNonNull(newLeader, "newLeader");
            Objects.requireNonNull(reason, "reason");
        }
    }

    public TimelineHistory plus(Entry e) {
        List<Entry> all = new java.util.ArrayList<>(entries);
        all.add(e);
        return new TimelineHistory(all);
    }
}

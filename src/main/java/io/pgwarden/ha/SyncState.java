package io.pgwarden.ha;

import java.util.List;
import java.util.Objects;

/**
 * The {@code sync} key: the synchronous standbys the leader relies on. The leader writes it (compare-and-set)
 * before it lists a standby in {@code synchronous_standby_names} and after it removes one, so the set in the store
 * is always a superset of the standbys that acknowledged commits: only these may be promoted in synchronous mode.
 */
public record SyncState(String leader, List<String> standbys) {
    public SyncState {
        Objects.requireNonNull(leader, "leader");
        standbys = List.copyOf(standbys);
    }

    public boolean contains(String member) {
        return standbys.contains(member);
    }
}

package io.pgwarden.ha;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One consistent view of a cluster in the store, as one {@link CoordinationStore#read()} returned it: every key at
 * the same point of the store's history (etcd: one range read at one revision). An HA cycle reads exactly one and
 * decides on it. Expired keys (leader, members) are absent.
 *
 * @param revision     a change token: pass it to {@link CoordinationStore#awaitChange} to wait for a newer state
 * @param leader       the leader key, empty when nobody holds it
 * @param members      every member key that has not expired, by name
 * @param leaderStatus the last position a leader wrote with its renewal (kept after the leader is gone)
 * @param shared       the shared keys that exist, each with its version for a compare-and-set
 */
public record ClusterView(long revision, Optional<LeaderRecord> leader, Map<String, Versioned<MemberState>> members,
        Optional<LeaderStatus> leaderStatus, Map<SharedKey<?>, Versioned<?>> shared) {

    public ClusterView {
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(leaderStatus, "leaderStatus");
        members = Collections.unmodifiableMap(new TreeMap<>(members));
        shared = Map.copyOf(shared);
        for (Map.Entry<SharedKey<?>, Versioned<?>> e : shared.entrySet()) {
            e.getKey().cast(e.getValue().value());
        }
    }

    /** The value of a shared key with its version, empty when the key does not exist. */
    @SuppressWarnings("unchecked")
    public <T> Optional<Versioned<T>> get(SharedKey<T> key) {
        return Optional.ofNullable((Versioned<T>) shared.get(key));
    }

    /** The version to pass to a compare-and-set of {@code key}: its current version, or {@link Versioned#ABSENT}. */
    public long versionOf(SharedKey<?> key) {
        Versioned<?> v = shared.get(key);
        return v == null ? Versioned.ABSENT : v.version();
    }

    public Optional<String> leaderName() {
        return leader.map(LeaderRecord::holder);
    }

    public Optional<MemberState> member(String name) {
        return Optional.ofNullable(members.get(name)).map(Versioned::value);
    }

    public Optional<ClusterConfig> config() {
        return get(SharedKey.CONFIG).map(Versioned::value);
    }

    public Optional<InitializeRecord> initialize() {
        return get(SharedKey.INITIALIZE).map(Versioned::value);
    }

    public Optional<SyncState> sync() {
        return get(SharedKey.SYNC).map(Versioned::value);
    }

    public Optional<Switchover> switchover() {
        return get(SharedKey.SWITCHOVER).map(Versioned::value);
    }

    public Optional<FailsafeState> failsafe() {
        return get(SharedKey.FAILSAFE).map(Versioned::value);
    }

    public Optional<TimelineHistory> history() {
        return get(SharedKey.HISTORY).map(Versioned::value);
    }
}

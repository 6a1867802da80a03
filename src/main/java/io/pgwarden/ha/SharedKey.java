package io.pgwarden.ha;

import java.util.List;
import java.util.Objects;

/**
 * A cluster-wide key without a TTL, changed only by compare-and-set ({@link CoordinationStore#compareAndSet}). The
 * name is the last path element: {@code /pgwarden/<cluster>/<name>} in etcd, an annotation in Kubernetes.
 */
public final class SharedKey<T> {
    public static final SharedKey<InitializeRecord> INITIALIZE = new SharedKey<>("initialize", InitializeRecord.class);
    public static final SharedKey<ClusterConfig> CONFIG = new SharedKey<>("config", ClusterConfig.class);
    public static final SharedKey<SyncState> SYNC = new SharedKey<>("sync", SyncState.class);
    public static final SharedKey<Switchover> SWITCHOVER = new SharedKey<>("switchover", Switchover.class);
    public static final SharedKey<FailsafeState> FAILSAFE = new SharedKey<>("failsafe", FailsafeState.class);
    public static final SharedKey<TimelineHistory> HISTORY = new SharedKey<>("history", TimelineHistory.class);

    /** Every shared key, in a fixed order. */
    public static final List<SharedKey<?>> ALL = List.of(INITIALIZE, CONFIG, SYNC, SWITCHOVER, FAILSAFE, HISTORY);

    private final String name;
    private final Class<T> type;

    private SharedKey(String name, Class<T> type) {
        this.name = name;
        this.type = type;
    }

    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    /** The key named {@code name}, or null when no shared key has that name. */
    public static SharedKey<?> named(String name) {
        for (SharedKey<?> k : ALL) {
            if (k.name.equals(name)) {
                return k;
            }
        }
        return null;
    }

    T cast(Object value) {
        return type.cast(Objects.requireNonNull(value, "value"));
    }

    @Override
    public String toString() {
        return name;
    }
}

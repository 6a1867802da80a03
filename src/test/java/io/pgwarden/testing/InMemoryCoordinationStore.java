package io.pgwarden.testing;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.ha.ClusterView;
import io.pgwarden.ha.CoordinationStore;
import io.pgwarden.ha.KeyValueViews;
import io.pgwarden.ha.LeaderResult;
import io.pgwarden.ha.LeaderStatus;
import io.pgwarden.ha.MemberState;
import io.pgwarden.ha.SharedKey;
import io.pgwarden.ha.StoreCodec;
import io.pgwarden.ha.StoreKeys;
import io.pgwarden.ha.StoreSettings;
import io.pgwarden.ha.Versioned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link CoordinationStore} for one member over an {@link InMemoryCoordination} backend: the same key layout and
 * JSON as etcd, one lease per member timed on the fake clock, every write atomic under the backend's lock. A member
 * the backend cut off gets COORDINATION_UNAVAILABLE at once (a real store would take its call timeout; the fake
 * clock is advanced by that much, so the HA loop sees the time pass).
 */
public final class InMemoryCoordinationStore implements CoordinationStore {
    private final InMemoryCoordination backend;
    private final StoreSettings settings;
    private final StoreKeys keys;
    private final Clock clock;

    InMemoryCoordinationStore(InMemoryCoordination backend, StoreSettings settings, Clock clock) {
        this.backend = backend;
        this.settings = settings;
        this.keys = new StoreKeys(settings.cluster());
        this.clock = clock;
    }

    @Override
    public StoreSettings settings() {
        return settings;
    }

    @Override
    public String describe() {
        return "in-memory store cluster " + settings.cluster() + " as " + settings.member();
    }

    private String me() {
        return settings.member();
    }

    private void check(String what) {
        if (!backend.reachable(me())) {
            try {
                clock.sleep(settings.callTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new PgWardenException(ErrorCode.COORDINATION_UNAVAILABLE, describe() + ": " + what
                    + " timed out after " + settings.callTimeout().toMillis() + "ms");
        }
    }

    @Override
    public ClusterView read() {
        check("reading the cluster");
        return backend.atomically(() -> {
            List<KeyValueViews.RawKey> raw = new ArrayList<>();
            backend.range(keys.prefix()).forEach((k, e) -> raw.add(new KeyValueViews.RawKey(k, e.value(), e.modRevision())));
            return KeyValueViews.assemble(keys, backend.revision(), raw);
        });
    }

    @Override
    public LeaderResult acquireLeader() {
        check("taking the leader key");
        return backend.atomically(() -> {
            InMemoryCoordination.Entry e = backend.get(keys.leader());
            if (e != null) {
                return e.value().equals(me()) ? LeaderResult.won(me()) : LeaderResult.heldBy(e.value());
            }
            backend.keepAlive(me(), settings.ttl());
            backend.put(keys.leader(), me(), me());
            return LeaderResult.won(me());
        });
    }

    @Override
    public LeaderResult renewLeader(LeaderStatus status) {
        check("renewing the leader key");
        return backend.atomically(() -> {
            InMemoryCoordination.Entry e = backend.get(keys.leader());
            if (e == null) {
                return LeaderResult.absent();
            }
            if (!e.value().equals(me())) {
                return LeaderResult.heldBy(e.value());
            }
            backend.keepAlive(me(), settings.ttl());
            backend.put(keys.status(), StoreCodec.encode(status), null);
            return LeaderResult.won(me());
        });
    }

    @Override
    public boolean releaseLeader() {
        check("releasing the leader key");
        return backend.atomically(() -> {
            InMemoryCoordination.Entry e = backend.get(keys.leader());
            if (e == null || !e.value().equals(me())) {
                return false;
            }
            backend.remove(keys.leader());
            return true;
        });
    }

    @Override
    public void publishMember(MemberState state) {
        check("publishing the member key");
        backend.atomically(() -> {
            backend.keepAlive(me(), settings.ttl());
            backend.put(keys.member(me()), StoreCodec.encode(state), me());
            return null;
        });
    }

    @Override
    public void removeMember() {
        check("removing the member key");
        backend.remove(keys.member(me()));
    }

    @Override
    public <T> boolean compareAndSet(SharedKey<T> key, long expectedVersion, T value) {
        check("writing " + key);
        String json = StoreCodec.encode(value);
        return backend.atomically(() -> {
            InMemoryCoordination.Entry e = backend.get(keys.shared(key));
            long current = e == null ? Versioned.ABSENT : e.modRevision();
            if (current != expectedVersion) {
                return false;
            }
            backend.put(keys.shared(key), json, null);
            return true;
        });
    }

    @Override
    public boolean delete(SharedKey<?> key, long expectedVersion) {
        check("deleting " + key);
        return backend.atomically(() -> {
            InMemoryCoordination.Entry e = backend.get(keys.shared(key));
            if (e == null || e.modRevision() != expectedVersion) {
                return false;
            }
            backend.remove(keys.shared(key));
            return true;
        });
    }

    /** A change already made returns at once; otherwise the fake clock moves by {@code timeout} (no waiting). */
    @Override
    public boolean awaitChange(long revision, Duration timeout) throws InterruptedException {
        backend.expire();
        if (backend.revision() > revision) {
            return true;
        }
        clock.sleep(timeout);
        backend.expire();
        return backend.revision() > revision;
    }

    @Override
    public void close() {
    }
}

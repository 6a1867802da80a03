package io.pgwarden.testing;

import io.pgwarden.core.Clock;
import io.pgwarden.ha.StoreSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The shared "server" behind {@link InMemoryCoordinationStore}s: keys with create/mod revisions and one lease per
 * member, like etcd, with TTLs measured on the injected {@link Clock} (a {@link SteppingClock} in tests, so a TTL
 * passes by {@code clock.advance(...)}, with no waiting). Faults are injected per member: unreachable, or the next N
 * calls failing, so tests drive store outages and one-off timeouts.
 */
public final class InMemoryCoordination {
    /** One key: its value, revisions, and the member whose lease it is bound to (null: no TTL). */
    record Entry(String value, long createRevision, long modRevision, String leaseOwner) {
    }

    private final Clock clock;
    private final TreeMap<String, Entry> keys = new TreeMap<>();
    private final Map<String, Long> leaseDeadlines = new HashMap<>();
    private final Set<String> unreachable = new HashSet<>();
    private final Map<String, Integer> failNext = new HashMap<>();
    private long revision = 1;

    public InMemoryCoordination(Clock clock) {
        this.clock = clock;
    }

    /** A store for {@code member} of {@code cluster}, sharing this backend with every other store made by it. */
    public InMemoryCoordinationStore store(String cluster, String member, Duration ttl) {
        return new InMemoryCoordinationStore(this, StoreSettings.of(cluster, member, ttl), clock);
    }

    public InMemoryCoordinationStore store(StoreSettings settings) {
        return new InMemoryCoordinationStore(this, settings, clock);
    }

    /** Calls of {@code member}'s store throw COORDINATION_UNAVAILABLE until {@link #heal}; the data is kept. */
    public synchronized void cutOff(String member) {
        unreachable.add(member);
    }

    public synchronized void heal(String member) {
        unreachable.remove(member);
        failNext.remove(member);
    }

    /** The next {@code calls} calls of {@code member}'s store time out (throw), then it works again. */
    public synchronized void failNextCalls(String member, int calls) {
        failNext.put(member, calls);
    }

    public synchronized long revision() {
        return revision;
    }

    /** Throws when {@code member} is cut off or has failures queued; otherwise expires leases past their deadline. */
    synchronized boolean reachable(String member) {
        expire();
        if (unreachable.contains(member)) {
            return false;
        }
        int left = failNext.getOrDefault(member, 0);
        if (left > 0) {
            failNext.put(member, left - 1);
            return false;
        }
        return true;
    }

    synchronized void expire() {
        long now = clock.nanoTime();
        for (var it = leaseDeadlines.entrySet().iterator(); it.hasNext();) {
            var lease = it.next();
            if (now - lease.getValue() >= 0) {
                it.remove();
                if (keys.values().removeIf(e -> lease.getKey().equals(e.leaseOwner()))) {
                    revision++;
                }
            }
        }
    }

    /** Extends (or grants) {@code member}'s lease to now + ttl. */
    synchronized void keepAlive(String member, Duration ttl) {
        leaseDeadlines.put(member, clock.nanoTime() + ttl.toNanos());
    }

    synchronized Entry get(String key) {
        return keys.get(key);
    }

    synchronized Map<String, Entry> range(String prefix) {
        return new TreeMap<>(keys.subMap(prefix, prefix + Character.MAX_VALUE));
    }

    synchronized long put(String key, String value, String leaseOwner) {
        revision++;
        Entry old = keys.get(key);
        keys.put(key, new Entry(value, old == null ? revision : old.createRevision(), revision, leaseOwner));
        return revision;
    }

    synchronized void remove(String key) {
        if (keys.remove(key) != null) {
            revision++;
        }
    }

    /** Runs {@code body} atomically with respect to every other store of this backend. */
    synchronized <T> T atomically(java.util.function.Supplier<T> body) {
        return body.get();
    }
}

package io.pgwarden.ha;

import io.pgwarden.core.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Expiry of records written by other nodes, timed on this node's clock only: a record counts as expired once it has
 * been seen unchanged for a full lease duration, counted from the moment this node first saw it in that state. The
 * holder's own {@code renewTime} is never compared with our clock: clocks of two nodes may differ by minutes, and a
 * renewTime in the past must not let us take a lease early (nor one in the future keep us out forever). This is how
 * client-go's leader election and CloudNativePG time leases. The cost: a node that starts fresh waits one full
 * duration before it can take over a lease it has never seen renewed.
 */
final class LeaseObservations {
    private record Seen(String fingerprint, long sinceNanos) {
    }

    private final Clock clock;
    private final Map<String, Seen> seen = new HashMap<>();

    LeaseObservations(Clock clock) {
        this.clock = clock;
    }

    /**
     * Whether the record {@code name} in state {@code fingerprint} (its resourceVersion and holder) has now been
     * seen unchanged for at least {@code duration}. A new or changed fingerprint starts the timer again.
     */
    synchronized boolean expired(String name, String fingerprint, Duration duration) {
        long now = clock.nanoTime();
        Seen s = seen.get(name);
        if (s == null || !s.fingerprint().equals(fingerprint)) {
            seen.put(name, new Seen(fingerprint, now));
            return false;
        }
        return now - s.sinceNanos() >= duration.toNanos();
    }

    synchronized void forget(String name) {
        seen.remove(name);
    }
}

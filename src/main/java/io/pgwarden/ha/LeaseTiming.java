package io.pgwarden.ha;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.pgwarden.core.Clock;
import java.time.Duration;

/**
 * When a Lease still counts, for {@link KubernetesLeaseStore}: this node's own Leases by its own last successful
 * write (timed from before the request was sent), other nodes' Leases by {@link LeaseObservations} (unchanged for a
 * full leaseDurationSeconds on this node's clock). Never by a {@code renewTime} written with another node's clock.
 */
final class LeaseTiming {
    private final Clock clock;
    private final Duration ttl;
    private final String me;
    private final LeaseObservations observations;
    private Long leaderWrittenAt;
    private Long memberWrittenAt;

    LeaseTiming(Clock clock, Duration ttl, String me) {
        this.clock = clock;
        this.ttl = ttl;
        this.me = me;
        this.observations = new LeaseObservations(clock);
    }

    synchronized Long leaderWrittenAt() {
        return leaderWrittenAt;
    }

    synchronized Long memberWrittenAt() {
        return memberWrittenAt;
    }

    synchronized void leaderWritten(Long startedNanos) {
        leaderWrittenAt = startedNanos;
    }

    synchronized void memberWritten(Long startedNanos) {
        memberWrittenAt = startedNanos;
    }

    /** This node's write at {@code writtenAt} (nanos) is less than one TTL old. */
    boolean ownWriteFresh(Long writtenAt) {
        return writtenAt != null && clock.nanoTime() - writtenAt < ttl.toNanos();
    }

    /** Whether a Lease held by {@code holder} still counts: our own by our last write, others' by local observation. */
    synchronized boolean alive(Lease lease, String holder, Long ownWrite) {
        if (holder == null || holder.isEmpty()) {
            return false;
        }
        String fp = lease.getMetadata().getResourceVersion() + "|" + holder;
        boolean expired = observations.expired(lease.getMetadata().getName(), fp, durationOf(lease));
        if (holder.equals(me) && ownWrite != null) {
            return ownWriteFresh(ownWrite);
        }
        return !expired;
    }

    private Duration durationOf(Lease lease) {
        Integer s = lease.getSpec() == null ? null : lease.getSpec().getLeaseDurationSeconds();
        return s == null || s <= 0 ? ttl : Duration.ofSeconds(s);
    }
}

package io.pgwarden.ha;

import io.pgwarden.core.ByteSize;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code config} key: HA settings every member must agree on, written once by the member that initialises the
 * cluster and changed only by compare-and-set, so two members never run with different TTLs or failover limits.
 *
 * @param ttl               how long the leader and member keys live without a renewal
 * @param loopWait          time between two HA cycles
 * @param maxLagOnFailover  a candidate further than this behind the last known leader position is never promoted
 * @param synchronousMode   off, on, strict
 * @param failsafeMode      stay primary through a store outage while every member confirms this leader
 * @param primaryStartTimeout how long a leader whose PostgreSQL is down keeps the key while it restarts in place
 */
public record ClusterConfig(Duration ttl, Duration loopWait, ByteSize maxLagOnFailover,
        SynchronousMode synchronousMode, boolean failsafeMode, Duration primaryStartTimeout) {

    /**
     * primaryStartTimeout 30 s: a restart in place takes a second or two, and crash recovery replays at most the WAL
     * since the last checkpoint, which rarely takes longer on SSDs; past that a replica serves writes sooner than
     * waiting would (Patroni waits 300 s, which keeps a cluster without a writable primary for five minutes).
     */
    public static final Duration DEFAULT_PRIMARY_START_TIMEOUT = Duration.ofSeconds(30);

    /** The settings with the default primary start timeout. */
    public ClusterConfig(Duration ttl, Duration loopWait, ByteSize maxLagOnFailover, SynchronousMode synchronousMode,
            boolean failsafeMode) {
        this(ttl, loopWait, maxLagOnFailover, synchronousMode, failsafeMode, DEFAULT_PRIMARY_START_TIMEOUT);
    }

    /**
     * ttl 10 s: detection of a dead leader takes up to one ttl; shorter gets close to etcd's own election timeouts
     * on a loaded machine. loopWait 2 s: a leader renews five times per ttl, so two failed cycles still leave time to
     * fence before expiry. 1 MB of lag: Patroni's default, about one WAL segment's worth of recent commits.
     */
    public static final ClusterConfig DEFAULTS = new ClusterConfig(Duration.ofSeconds(10), Duration.ofSeconds(2),
            ByteSize.ofMb(1), SynchronousMode.OFF, true);

    public ClusterConfig {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(loopWait, "loopWait");
        Objects.requireNonNull(maxLagOnFailover, "maxLagOnFailover");
        Objects.requireNonNull(synchronousMode, "synchronousMode");
        Objects.requireNonNull(primaryStartTimeout, "primaryStartTimeout");
    }
}

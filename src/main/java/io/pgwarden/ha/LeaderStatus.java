package io.pgwarden.ha;

import io.pgwarden.core.Lsn;
import java.util.Objects;

/**
 * The leader's last known position, written by every successful {@link CoordinationStore#renewLeader} into the
 * {@code status} key, which has no TTL: after the leader is gone, candidates compare themselves with it
 * (--max-lag-on-failover), as Patroni does with its {@code /status} key.
 */
public record LeaderStatus(String leader, int timeline, Lsn lsn) {
    public LeaderStatus {
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(lsn, "lsn");
    }
}

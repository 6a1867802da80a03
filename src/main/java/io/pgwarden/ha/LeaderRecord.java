package io.pgwarden.ha;

import java.util.Objects;

/** The leader key as read: who holds it, and its version (etcd mod revision, Kubernetes resourceVersion). */
public record LeaderRecord(String holder, long version) {
    public LeaderRecord {
        Objects.requireNonNull(holder, "holder");
    }
}

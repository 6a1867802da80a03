package io.pgwarden.instance;

import io.pgwarden.pg.ConnectionSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a clone needs: the target directory, a superuser connection to the primary (for the role, the slot
 * and the low-level backup API), the upstream the replica will follow, its replication password and a time
 * limit for the copy. {@link #toString()} hides the password.
 */
public record CloneRequest(Path target, ConnectionSpec primarySuperuser, Upstream upstream, String replicationPassword,
        Duration timeout) {
    /** A terabyte at ~150 MB/s takes about two hours; twelve leaves room for slow disks and networks. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(12);

    public CloneRequest {
        target = target.toAbsolutePath().normalize();
        Objects.requireNonNull(primarySuperuser, "primarySuperuser");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(replicationPassword, "replicationPassword");
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    @Override
    public String toString() {
        return "CloneRequest[target=" + target + ", primary=" + primarySuperuser.display() + ", upstream=" + upstream + "]";
    }
}

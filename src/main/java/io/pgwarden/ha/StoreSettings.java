package io.pgwarden.ha;

import io.pgwarden.core.Durations;
import io.pgwarden.core.PgWardenException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What every store needs: the cluster, this member, the TTL of its keys and the bound on each call. Validated once,
 * with every problem named by its flag: a name is a DNS label (it becomes an etcd path element and a Kubernetes
 * object name), and a call must time out well inside the TTL so a leader that fails one renewal still has time to
 * try again, or fence, before its key can expire.
 */
public record StoreSettings(String cluster, String member, Duration ttl, Duration callTimeout) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** etcd refuses leases shorter than its minimum TTL (1.5 s with default election settings): 2 s is the floor. */
    public static final Duration MIN_TTL = Duration.ofSeconds(2);

    public StoreSettings {
        List<String> problems = new ArrayList<>();
        checkName(problems, "--cluster (PGWARDEN_CLUSTER)", cluster);
        checkName(problems, "--node-name (PGWARDEN_NODE_NAME)", member);
        if (ttl == null || ttl.compareTo(MIN_TTL) < 0) {
            problems.add("ttl=" + (ttl == null ? "null" : Durations.format(ttl)) + ": at least 2s is required");
        } else if (callTimeout == null || callTimeout.isNegative() || callTimeout.isZero()
                || callTimeout.multipliedBy(3).compareTo(ttl) > 0) {
            problems.add("store call timeout=" + (callTimeout == null ? "null" : Durations.format(callTimeout))
                    + ": must be positive and at most a third of the ttl (" + Durations.format(ttl)
                    + "), so a renewal can fail once and be retried before the key expires");
        }
        if (!problems.isEmpty()) {
            throw PgWardenException.invalid(problems);
        }
    }

    /** The call timeout is a fifth of the TTL: two calls per cycle and a retry all fit well inside one TTL. */
    public static StoreSettings of(String cluster, String member, Duration ttl) {
        return new StoreSettings(cluster, member, ttl, ttl.dividedBy(5));
    }

    private static void checkName(List<String> problems, String flag, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            problems.add(flag + "=" + value + ": use 1-63 lowercase letters, digits and '-', starting and ending"
                    + " with a letter or digit");
        }
    }
}

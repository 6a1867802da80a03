package io.pgwarden.instance;

import io.pgwarden.core.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Remembers recent crashes and applies a {@link RestartPolicy}. Pure: time comes in as arguments, so
 * backoff and give-up are tested on a fake clock.
 */
public final class CrashHistory {
    private final RestartPolicy policy;
    private final Deque<Instant> crashes = new ArrayDeque<>();

    public CrashHistory(RestartPolicy policy) {
        this.policy = policy;
    }

    /** Records a crash at {@code now} and decides. */
    public RestartDecision onCrash(Instant now) {
        crashes.addLast(now);
        Instant horizon = now.minus(policy.window());
        while (!crashes.isEmpty() && crashes.peekFirst().isBefore(horizon)) {
            crashes.removeFirst();
        }
        int n = crashes.size();
        String within = n + " crash" + (n == 1 ? "" : "es") + " within " + Durations.format(policy.window());
        String allowed = policy.maxRestarts() + " restart" + (policy.maxRestarts() == 1 ? "" : "s") + " allowed";
        if (n > policy.maxRestarts()) {
            // --max-restarts N: N restarts within the window, so the (N+1)-th crash ends supervision
            return new RestartDecision(true, Duration.ZERO, n, within + ", more than the " + allowed + "; giving up");
        }
        Duration backoff = policy.initialBackoff();
        for (int i = 1; i < n && backoff.compareTo(policy.maxBackoff()) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        if (backoff.compareTo(policy.maxBackoff()) > 0) {
            backoff = policy.maxBackoff();
        }
        return new RestartDecision(false, backoff, n, within + " (" + allowed + "); restarting in "
                + Durations.format(backoff));
    }
}

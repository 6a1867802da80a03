package io.pgwarden.instance;

import java.time.Duration;

/** What to do after a crash: wait {@code backoff} and restart, or give up; {@link #reason()} is logged. */
public record RestartDecision(boolean giveUp, Duration backoff, int recentCrashes, String reason) {
}

package io.pgwarden.health;

import java.time.Duration;

/**
 * One agent loop as liveness sees it.
 *
 * @param name          the loop's name, e.g. {@code migrations}
 * @param alive         its last heartbeat is younger than {@code maxSilence}
 * @param sinceLastBeat time since its last heartbeat
 * @param maxSilence    how long it may stay silent before it counts as stuck
 * @param errors        cycles that ended with an error since the agent started
 * @param reason        the reason its last completed cycle gave (e.g. "up to date"), null before the first one
 * @param reasonSince   when that reason first appeared (it changed then), null before the first cycle
 */
public record LoopStatus(String name, boolean alive, Duration sinceLastBeat, Duration maxSilence, long errors,
        String reason, java.time.Instant reasonSince) {
    /** A loop that has not reported a reason yet. */
    public LoopStatus(String name, boolean alive, Duration sinceLastBeat, Duration maxSilence, long errors) {
        this(name, alive, sinceLastBeat, maxSilence, errors, null, null);
    }
}

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
 */
public record LoopStatus(String name, boolean alive, Duration sinceLastBeat, Duration maxSilence, long errors) {
}

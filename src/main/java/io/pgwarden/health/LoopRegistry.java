package io.pgwarden.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pgwarden.core.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's loops, for liveness and loop metrics. With no loop registered the agent is alive as
 * long as the HTTP server answers.
 */
public final class LoopRegistry {
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, LoopHeartbeat> loops = new ConcurrentHashMap<>();

    public LoopRegistry(Clock clock, MeterRegistry meters) {
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * Registers a loop (beating now) and its metrics.
     *
     * @param maxSilence longest time between heartbeats before the loop counts as stuck: its interval
     *                   plus the longest a healthy cycle may take
     * @throws IllegalArgumentException when a loop of that name exists or maxSilence is not positive
     */
    public LoopHeartbeat register(String name, Duration maxSilence) {
        if (maxSilence.isNegative() || maxSilence.isZero()) {
            throw new IllegalArgumentException("loop " + name + ": maxSilence must be positive, got " + maxSilence);
        }
        Timer timer = Timer.builder("pgwarden.loop.duration").description("Duration of one cycle of an agent loop")
                .tag("loop", name).register(meters);
        Counter errors = Counter.builder("pgwarden.loop.errors")
                .description("Cycles of an agent loop that ended with an error").tag("loop", name).register(meters);
        LoopHeartbeat heartbeat = new LoopHeartbeat(name, maxSilence, clock, timer, errors);
        if (loops.putIfAbsent(name, heartbeat) != null) {
            throw new IllegalArgumentException("loop " + name + " is already registered");
        }
        return heartbeat;
    }

    /** Removes a loop that ended on purpose (e.g. on shutdown), so it does not turn liveness red. */
    public void unregister(LoopHeartbeat heartbeat) {
        loops.remove(heartbeat.name(), heartbeat);
    }

    /** Every registered loop, sorted by name. */
    public List<LoopStatus> statuses() {
        return loops.values().stream().map(LoopHeartbeat::status)
                .sorted(java.util.Comparator.comparing(LoopStatus::name)).toList();
    }
}

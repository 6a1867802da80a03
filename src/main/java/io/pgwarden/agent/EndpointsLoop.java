package io.pgwarden.agent;

import io.pgwarden.agent.CycleResult.Level;
import io.pgwarden.core.Clock;
import io.pgwarden.topology.ReconcileResult;
import io.pgwarden.topology.TopologyOutcome;
import io.pgwarden.topology.WatchLoop;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pgwarden endpoints watch} as an agent loop: each cycle is one {@link WatchLoop#runCycle}; its decision's
 * reason is logged at INFO when it changes (ERROR for split brain, WARN for no primary or a failed publisher, which
 * the next cycle retries) and at DEBUG otherwise.
 */
public final class EndpointsLoop implements AgentLoop {
    private static final Logger log = LoggerFactory.getLogger(EndpointsLoop.class);
    /** The loop's name on /liveness and in the metrics. */
    public static final String NAME = "endpoints-watch";

    /** One cycle's result: the reconcile result, or null when the cycle failed (then {@code error} says why). */
    public record Cycle(ReconcileResult result, String error, Duration next) implements CycleResult {
        @Override
        public String reason() {
            return result == null ? "cycle failed: " + error : WatchLoop.reason(result);
        }

        @Override
        public String message() {
            if (result == null) {
                return "endpoints watch: cycle failed: " + error;
            }
            return "endpoints watch: " + result.summary() + (result.publisherFailed() ? " (the next cycle retries)" : "");
        }

        @Override
        public Level level() {
            if (result == null || result.decision().outcome() == TopologyOutcome.SPLIT_BRAIN) {
                return Level.ERROR;
            }
            return result.publisherFailed() || result.decision().outcome() == TopologyOutcome.NO_PRIMARY ? Level.WARN
                    : Level.INFO;
        }

        @Override
        public boolean changed() {
            return result != null && result.changed();
        }

        @Override
        public boolean failed() {
            return result == null;
        }
    }

    private final WatchLoop watch;
    private final Clock clock;
    private final Duration maxSilence;

    /**
     * @param probeTimeout the probes' connect timeout: a cycle takes up to that (plus publisher calls)
     */
    public EndpointsLoop(WatchLoop watch, Duration probeTimeout, Clock clock) {
        this.watch = watch;
        this.clock = clock;
        // three missed intervals on top of a cycle's probes tolerate a slow API server or a loaded node without
        // restarting a loop that is merely slow
        this.maxSilence = watch.interval().multipliedBy(3).plus(probeTimeout);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration maxSilence() {
        return maxSilence;
    }

    @Override
    public Duration interval() {
        return watch.interval();
    }

    @Override
    public Cycle cycle() {
        long start = clock.nanoTime();
        ReconcileResult result = watch.runCycle(start);
        // the interval runs from the start of a cycle: cycles are what clients' failover time is made of
        Duration rest = watch.interval().minusNanos(clock.nanoTime() - start);
        return new Cycle(result, result == null ? watch.lastError() : null, rest.isNegative() ? Duration.ZERO : rest);
    }

    @Override
    public void stopped() {
        log.info("endpoints watch stopped after {} cycles", watch.cycles());
    }

    public WatchLoop watch() {
        return watch;
    }
}

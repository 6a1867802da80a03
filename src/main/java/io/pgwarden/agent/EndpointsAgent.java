package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.health.AgentMetrics;
import io.pgwarden.health.LoopRegistry;
import io.pgwarden.topology.WatchLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pgwarden endpoints watch}: the agent of one loop ({@link EndpointsLoop}), with an optional HTTP server
 * ({@code /topology}, {@code /liveness}, {@code /metrics}). Runs until the stop signal; a running cycle finishes
 * (its probes are not cut short, so it never publishes healthy nodes as down).
 */
public final class EndpointsAgent {
    private static final Logger log = LoggerFactory.getLogger(EndpointsAgent.class);

    private final EndpointsConfig config;
    private final Duration interval;
    private final InetSocketAddress healthAt;
    private final Clock clock;

    /** @param healthAt where to serve HTTP; null for no server */
    public EndpointsAgent(EndpointsConfig config, Duration interval, InetSocketAddress healthAt, Clock clock) {
        this.config = config;
        this.interval = interval;
        this.healthAt = healthAt;
        this.clock = clock;
    }

    /** Runs until {@code stop} is requested; returns 0 then. */
    public int run(StopSignal stop) throws InterruptedException {
        stop.begin();
        try (EndpointsRuntime runtime = new EndpointsRuntime(config)) {
            WatchLoop watch = new WatchLoop(runtime.command(), interval, clock);
            AgentMetrics metrics = new AgentMetrics();
            LoopRegistry loops = new LoopRegistry(clock, metrics.registry());
            EndpointsWatchHealth health = healthAt == null ? null
                    : EndpointsWatchHealth.start(healthAt, watch, metrics, loops, clock);
            try {
                log.info("endpoints watch: {} nodes every {}", config.nodes().size(), Durations.format(interval));
                new Agent(loops, clock).add(new EndpointsLoop(watch, config.probe().connectTimeout(), clock)).run(stop);
            } finally {
                if (health != null) {
                    health.close();
                }
            }
            return 0;
        } finally {
            stop.finished();
        }
    }
}

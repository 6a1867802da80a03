package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.health.LoopHeartbeat;
import io.pgwarden.health.LoopRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent as a list of loops ({@code Agent.add(loop)...run(stop)}, CloudNativePG's {@code mgr.Add} in
 * spirit): each {@link AgentLoop} gets a {@link LoopRunner} on its own thread and a heartbeat in the
 * {@link LoopRegistry}, and {@link #run} returns once a stop was requested and every loop has ended. A loop
 * that does not end within the stop grace (a cycle stuck in a query) is interrupted and left behind (its thread
 * is a daemon), so the agent still stops.
 */
public final class Agent {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /** Long enough for a running cycle (an apply, a publish) to end, short enough for Kubernetes' 30 s grace. */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(20);

    private final LoopRegistry registry;
    private final Clock clock;
    private final List<AgentLoop> loops = new ArrayList<>();
    private Duration stopGrace = DEFAULT_STOP_GRACE;

    public Agent(LoopRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Adds a loop; loops start in the order added. */
    public Agent add(AgentLoop loop) {
        loops.add(java.util.Objects.requireNonNull(loop, "loop"));
        return this;
    }

    /** How long {@link #run} waits for the loops to end after the stop request before it interrupts them. */
    public Agent stopGrace(Duration grace) {
        this.stopGrace = grace;
        return this;
    }

    /** The loops, in the order added (for tests and the status document). */
    public List<AgentLoop> loops() {
        return List.copyOf(loops);
    }

    /**
     * Runs every loop until {@code stop} is requested, then waits for them to end (their heartbeats are
     * unregistered, so a stopping agent does not turn liveness red).
     *
     * @throws InterruptedException when the calling thread is interrupted while waiting (the loops are asked to stop)
     */
    public void run(StopSignal stop) throws InterruptedException {
        List<LoopRunner> runners = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<LoopHeartbeat> beats = new ArrayList<>();
        try {
            for (AgentLoop loop : loops) {
                LoopHeartbeat beat = registry.register(loop.name(), loop.maxSilence());
                beats.add(beat);
                LoopRunner runner = new LoopRunner(loop, beat, clock, stop);
                Thread t = new Thread(runner, loop.name());
                t.setDaemon(true); // a loop stuck past the stop grace must not keep the JVM alive
                runners.add(runner);
                threads.add(t);
                t.start();
            }
            stop.await();
        } finally {
            if (!stop.isRequested()) {
                stop.request("agent failure");
            }
            long deadline = System.nanoTime() + stopGrace.toNanos();
            for (int i = 0; i < threads.size(); i++) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                threads.get(i).join(left);
                if (threads.get(i).isAlive()) {
                    log.warn("loop {} did not end within {} s of the stop request; interrupting it", runners.get(i).loop()
                            .name(), stopGrace.toSeconds());
                    runners.get(i).interrupt();
                    threads.get(i).join(1_000);
                }
            }
            beats.forEach(registry::unregister);
        }
    }
}

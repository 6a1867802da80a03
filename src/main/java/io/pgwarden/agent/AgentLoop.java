package io.pgwarden.agent;

import io.pgwarden.core.Wakeup;
import java.time.Duration;

/**
 * One control loop of an agent: the monitor of the server, the migrations, the endpoints watch, later HA and
 * backups. The loop itself does no threading and no waiting: a {@link LoopRunner} owns its thread, calls
 * {@link #cycle()}, waits {@link #interval()} (or the result's {@link CycleResult#next()}) on the injected clock,
 * beats its heartbeat, and catches whatever a cycle throws. So every loop runs one cycle at a time in a unit test
 * on a fake clock. A loop that must be run sooner (a trigger) wakes its {@link #wakeup()}.
 */
public interface AgentLoop {
    /** The name on /health, in the loop metrics ({@code loop} tag) and in the log, e.g. {@code monitor}. */
    String name();

    /**
     * How long the loop may go without finishing a cycle before liveness reports it stuck: the longest a healthy
     * cycle may take plus the wait between cycles (the runner beats at least every {@link LoopRunner#IDLE_BEAT}
     * while waiting, so a long interval does not count).
     */
    Duration maxSilence();

    /** The wait between the end of a cycle and the next, unless the result says otherwise or a wake-up comes first. */
    Duration interval();

    /**
     * One cycle: read one snapshot, act on it, say why. May throw anything: the runner logs it, counts it in
     * {@code pgwarden_loop_errors_total} and runs the next cycle after the interval.
     */
    CycleResult cycle() throws Exception;

    /** Woken to run the next cycle at once; the runner also wakes it on a stop request. */
    default Wakeup wakeup() {
        return null;
    }

    /**
     * True when a stop may interrupt a running cycle: loops whose cycle only waits (for a directory change). False
     * (the default) lets a running cycle finish, so an apply commits or a snapshot is not cut short.
     */
    default boolean interruptible() {
        return false;
    }

    /**
     * Called on the thread that requested the stop, at once: a loop whose cycle waits in a way the runner cannot end
     * (a directory watch) ends that wait here, and only that wait, never the work of a cycle.
     */
    default void stopRequested() {
    }

    /** Called once on the loop's thread after its last cycle, when the agent stops; releases what the loop holds. */
    default void stopped() {
    }
}

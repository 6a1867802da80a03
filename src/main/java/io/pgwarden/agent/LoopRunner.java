package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.core.Secrets;
import io.pgwarden.core.Wakeup;
import io.pgwarden.health.LoopHeartbeat;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link AgentLoop} until the stop signal: a cycle, then a wait on the injected {@link Clock} (ended
 * early by the loop's {@link Wakeup} or the stop request), and again. The one place that owns a loop's
 * thread, beats its heartbeat, catches what a cycle throws (logged, counted in
 * {@code pgwarden_loop_errors_total}, and the loop goes on) and logs the cycle's reason: at the result's level
 * (INFO by default) when it changed, at DEBUG when it did not.
 */
public final class LoopRunner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LoopRunner.class);
    /** While waiting, the heartbeat is beaten this often: far below any loop's max silence (60 s and more). */
    public static final Duration IDLE_BEAT = Duration.ofSeconds(10);

    private final AgentLoop loop;
    private final LoopHeartbeat beat;
    private final Clock clock;
    private final StopSignal stop;
    private final Wakeup wakeup;
    private final Object cycleLock = new Object();
    private volatile Thread thread;
    /** Guarded by {@link #cycleLock}: the thread is inside {@link AgentLoop#cycle()}. */
    private boolean inCycle;
    private volatile long cycles;

    public LoopRunner(AgentLoop loop, LoopHeartbeat beat, Clock clock, StopSignal stop) {
        this.loop = loop;
        this.beat = beat;
        this.clock = clock;
        this.stop = stop;
        this.wakeup = loop.wakeup() != null ? loop.wakeup() : new Wakeup();
        stop.onStop(this::onStopRequested);
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            while (!stop.isRequested()) {
                CycleResult result = runCycle();
                if (stop.isRequested()) {
                    break;
                }
                Duration wait = result != null && result.next() != null ? result.next() : loop.interval();
                if (!await(wait)) {
                    break;
                }
            }
        } finally {
            Thread.interrupted(); // a stop's interrupt was meant for the cycle or the wait, not for stopped()
            try {
                loop.stopped();
            } catch (RuntimeException e) {
                log.warn("loop {}: stopping failed: {}", loop.name(), Secrets.mask(String.valueOf(e.getMessage())));
            }
        }
    }

    /** One cycle with heartbeat, timing, catch-all and reason logging; null when it failed. */
    CycleResult runCycle() {
        CycleResult[] result = {null};
        synchronized (cycleLock) {
            inCycle = true;
        }
        try {
            if (!beat.runCycle(() -> result[0] = loop.cycle())) {
                return null; // logged and counted by the heartbeat
            }
        } catch (Throwable t) { // an Error from a cycle (assertion, stack overflow) must not end the loop silently
            beat.recordError();
            log.error("loop {}: cycle failed: {}", loop.name(), t.toString(), t);
            return null;
        } finally {
            synchronized (cycleLock) {
                inCycle = false;
                if (!stop.isRequested() || !loop.interruptible()) {
                    Thread.interrupted();
                }
            }
            cycles++;
        }
        report(result[0]);
        return result[0];
    }

    private void report(CycleResult result) {
        if (result == null || result.reason() == null) {
            return;
        }
        if (result.failed()) {
            beat.recordError();
        }
        String reason = Secrets.mask(result.reason());
        String line = result.message() != null ? Secrets.mask(result.message()) : loop.name() + ": " + reason;
        if (!beat.reason(reason) && !result.changed()) {
            log.debug("{}", line);
            return;
        }
        switch (result.level()) {
            case ERROR -> log.error("{}", line);
            case WARN -> log.warn("{}", line);
            default -> log.info("{}", line);
        }
    }

    /** Waits {@code wait}, beating every {@link #IDLE_BEAT}; false when a stop was requested. */
    private boolean await(Duration wait) {
        long deadline = clock.nanoTime() + wait.toNanos();
        while (!stop.isRequested()) {
            long left = deadline - clock.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                boolean woken = clock.await(Duration.ofNanos(Math.min(left, IDLE_BEAT.toNanos())), wakeup);
                beat.beat();
                if (woken) {
                    return !stop.isRequested();
                }
            } catch (InterruptedException e) {
                if (stop.isRequested()) {
                    return false;
                }
                Thread.interrupted(); // not ours to end the loop: only a stop does
            }
        }
        return false;
    }

    /** Ends the wait at once; interrupts a running cycle only when the loop allows it. */
    private void onStopRequested() {
        wakeup.wake();
        try {
            loop.stopRequested();
        } catch (RuntimeException e) {
            log.warn("loop {}: stop request failed: {}", loop.name(), Secrets.mask(String.valueOf(e.getMessage())));
        }
        synchronized (cycleLock) {
            Thread t = thread;
            if (inCycle && loop.interruptible() && t != null && t != Thread.currentThread()) {
                t.interrupt();
            }
        }
    }

    /** Interrupts the loop's thread whatever it does: for a cycle that outlived the agent's stop grace. */
    void interrupt() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    AgentLoop loop() {
        return loop;
    }

    /** Cycles run so far, failed ones included. */
    public long cycles() {
        return cycles;
    }
}

package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one PostgreSQL running: starts it, waits for it to exit, and restarts it after a crash with
 * the backoff of a {@link RestartPolicy}, until {@link #requestStop()} is called (a clean stop, smart
 * then fast then immediate) or it crashes too often (POSTGRES_FAILED, exit code 9). A server that
 * exits with code 0 was shut down by someone else (pg_ctl stop, a signal to the postmaster): that is
 * not a crash, and supervision ends. A commanded stop ({@link #hold}, what {@link InstanceControl} uses to fence,
 * stop or restart the server as a standby) is neither: supervision goes on and starts the server again on
 * {@link #release}.
 */
public final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    /** How supervision ended. */
    public enum Outcome {
        /** {@link #requestStop()} stopped the server. */
        STOPPED,
        /** The server shut down cleanly on its own (exit 0), e.g. after pg_ctl stop. */
        EXITED
    }

    /** Something that happened, for the caller to print: started (first time), restarted, crashed. */
    public record Event(Kind kind, long pid, String reason) {
        public enum Kind { STARTED, CRASHED, RESTARTED }
    }

    private final ServerLauncher launcher;
    private final CrashHistory history;
    private final Clock clock;
    private final Duration stopTimeout;
    private final Consumer<Event> events;
    private final Object lock = new Object();
    private ServerProcess current;
    private boolean stopping;
    private Thread loopThread;
    private boolean backingOff;

    public Supervisor(ServerLauncher launcher, RestartPolicy policy, Clock clock, Duration stopTimeout,
            Consumer<Event> events) {
        this.launcher = launcher;
        this.history = new CrashHistory(policy);
        this.clock = clock;
        this.stopTimeout = stopTimeout;
        this.events = events;
    }

    /**
     * Starts the server and supervises it until stopped. A failure of the first start is thrown at
     * once (nothing to restart); later start failures count as crashes.
     *
     * @throws PgWardenException POSTGRES_FAILED when the server crashed once more than {@code maxRestarts} allows within the window
     */
    public Outcome run() throws InterruptedException {
        synchronized (lock) {
            loopThread = Thread.currentThread();
            if (stopping) {
                return Outcome.STOPPED;
            }
        }
        ServerProcess server;
        try {
            server = startServer();
        } catch (PgWardenException e) {
            if (stopRequested()) {
                return Outcome.STOPPED; // requestStop() interrupted the start, which stopped the server
            }
            throw e;
        }
        if (adopt(server)) {
            return Outcome.STOPPED;
        }
        events.accept(new Event(Event.Kind.STARTED, server.pid(), "accepting connections"));
        while (true) {
            String why;
            if (server != null) {
                int code = server.waitForExit();
                boolean commanded;
                synchronized (lock) {
                    if (stopping) {
                        return Outcome.STOPPED;
                    }
                    commanded = held;
                }
                if (commanded) {
                    // a commanded stop (InstanceControl): supervision goes on, without a server until released
                    ServerProcess stopped = server;
                    try {
                        server = awaitRelease();
                    } catch (PgWardenException e) {
                        log.warn("start after a commanded stop failed: {}", e.getMessage());
                        server = null; // counted as a crash below: restarted with backoff, as any failed start
                        continue;
                    }
                    if (server == null) {
                        return Outcome.STOPPED;
                    }
                    if (adopt(server)) {
                        return Outcome.STOPPED;
                    }
                    events.accept(new Event(Event.Kind.RESTARTED, server.pid(), "started again as commanded (pid "
                            + stopped.pid() + " was stopped on command)"));
                    continue;
                }
                if (code == 0) {
                    log.info("PostgreSQL (pid {}) shut down cleanly by someone else; supervision ends", server.pid());
                    return Outcome.EXITED;
                }
                why = "PostgreSQL (pid " + server.pid() + ") exited with code " + code
                        + (code > 128 ? " (signal " + (code - 128) + ")" : "");
            } else {
                why = "PostgreSQL failed to start again";
            }
            RestartDecision decision = history.onCrash(clock.now());
            log.warn("{}; {}", why, decision.reason());
            events.accept(new Event(Event.Kind.CRASHED, server == null ? 0 : server.pid(), why + "; " + decision.reason()));
            if (decision.giveUp()) {
                throw new PgWardenException(ErrorCode.POSTGRES_FAILED, why + ": " + decision.reason()
                        + ". Read the server log for the cause.");
            }
            if (!backOff(decision.backoff())) {
                return Outcome.STOPPED;
            }
            try {
                server = startServer();
            } catch (PgWardenException e) {
                if (stopRequested()) {
                    return Outcome.STOPPED;
                }
                log.warn("restart failed: {}", e.getMessage());
                server = null;
                continue;
            }
            if (adopt(server)) {
                return Outcome.STOPPED;
            }
            events.accept(new Event(Event.Kind.RESTARTED, server.pid(), "restarted after: " + why));
        }
    }

    /**
     * Starts the server; {@link #requestStop()} interrupts a start that is still waiting for the server to accept
     * connections (crash recovery can take minutes), and the launcher then stops what it started.
     */
    private ServerProcess startServer() {
        synchronized (lock) {
            starting = true;
        }
        try {
            return launcher.start();
        } finally {
            synchronized (lock) {
                starting = false;
                Thread.interrupted(); // an interrupt meant for the start must not reach what follows
            }
        }
    }

    private boolean stopRequested() {
        synchronized (lock) {
            return stopping;
        }
    }

    /** Waits out the backoff; false when a stop was requested meanwhile. */
    private boolean backOff(Duration backoff) {
        synchronized (lock) {
            if (stopping) {
                return false;
            }
            backingOff = true;
        }
        try {
            clock.sleep(backoff);
        } catch (InterruptedException e) {
            // requestStop() interrupts the backoff; anything else is treated the same way
        } finally {
            synchronized (lock) {
                backingOff = false;
                Thread.interrupted();
            }
        }
        synchronized (lock) {
            return !stopping;
        }
    }

    /** Makes {@code server} current; if a stop was requested during its start, stops it and returns true. */
    private boolean adopt(ServerProcess server) {
        synchronized (lock) {
            current = server;
            if (!stopping) {
                return false;
            }
        }
        server.stop(stopTimeout);
        return true;
    }

    /**
     * Stops the server cleanly and ends {@link #run()} with {@link Outcome#STOPPED}. Blocks until the
     * server has stopped. Safe to call from a signal handler thread, any number of times.
     */
    public ShutdownMode requestStop() {
        ServerProcess server;
        synchronized (lock) {
            stopping = true;
            lock.notifyAll(); // ends a wait for release()
            server = current;
            if ((backingOff || starting) && loopThread != null) {
                loopThread.interrupt();
            }
        }
        if (server != null && hurriedNow()) {
            server.escalate(ShutdownMode.FAST);
        }
        return server == null ? null : server.stop(stopTimeout);
    }

    private boolean hurriedNow() {
        synchronized (lock) {
            return hurried;
        }
    }

    /**
     * Makes a stop in progress fast at once (clients are disconnected, their transactions rolled back):
     * for a second Ctrl-C or SIGTERM while a smart shutdown waits for clients.
     */
    public void hurry() {
        ServerProcess server;
        synchronized (lock) {
            hurried = true; // a stop requested after this starts fast
            server = stopping ? current : null;
        }
        if (server != null) {
            server.escalate(ShutdownMode.FAST);
        }
    }

    /**
     * Guarded by {@link #lock}: a commanded stop is in effect ({@link #hold}); the loop does not count the server's
     * exit as a crash or as the end of supervision, and starts it again on {@link #release}.
     */
    private boolean held;

    /**
     * Stops the server with {@code mode} (escalating after the stop timeout as {@link #requestStop} does) without
     * ending supervision: the server stays stopped until {@link #release()} and {@link #run()} keeps going. Blocks
     * until the server has stopped.
     *
     * @return the mode that finished it; null when no server was running
     * @throws PgWardenException FAILED when supervision is stopping (nothing to hold)
     */
    public ShutdownMode hold(ShutdownMode mode) {
        ServerProcess server;
        synchronized (lock) {
            if (stopping) {
                throw new PgWardenException(ErrorCode.FAILED, "PostgreSQL is being stopped for good; it cannot be held");
            }
            held = true;
            server = current;
        }
        if (server == null || !server.isAlive()) {
            return null;
        }
        if (mode != ShutdownMode.SMART) {
            server.escalate(mode);
        }
        return server.stop(stopTimeout);
    }

    /** Ends a {@link #hold}: the loop starts the server again (its start is reported as a RESTARTED event). */
    public void release() {
        synchronized (lock) {
            held = false;
            lock.notifyAll();
        }
    }

    /** True while a {@link #hold} is in effect. */
    public boolean isHeld() {
        synchronized (lock) {
            return held;
        }
    }

    /** Waits for {@link #release()} (then starts the server) or a stop (then returns null). */
    private ServerProcess awaitRelease() throws InterruptedException {
        synchronized (lock) {
            current = null;
            while (held && !stopping) {
                lock.wait();
            }
            if (stopping) {
                return null;
            }
        }
        try {
            return startServer();
        } catch (PgWardenException e) {
            if (stopRequested()) {
                return null;
            }
            throw e;
        }
    }

    /** Guarded by {@link #lock}: the loop thread is in {@link ServerLauncher#start()}. */
    private boolean starting;

    /** Guarded by {@link #lock}: {@link #hurry()} was called, so any stop is fast from its start. */
    private boolean hurried;

    /** The server currently running, or null. */
    public ServerProcess current() {
        synchronized (lock) {
            return current;
        }
    }
}

package io.pgwarden.instance;

import java.time.Duration;

/** A running postmaster that pgwarden started and supervises. */
public interface ServerProcess {
    /** The postmaster's PID. */
    long pid();

    boolean isAlive();

    /** Blocks until the postmaster exits and returns its exit code (128+n when killed by signal n). */
    int waitForExit() throws InterruptedException;

    /**
     * Stops the server: smart, then fast after {@code timeout}, then immediate after another
     * {@code timeout}, then SIGKILL. Returns the mode that finished it (null if it had already exited).
     */
    ShutdownMode stop(Duration timeout);

    /**
     * Moves a {@link #stop} in progress (or about to start) on to {@code mode} at once, e.g. fast when the user
     * asks a second time; {@link #stop} then reports that mode. Does nothing when the server has exited.
     */
    void escalate(ShutdownMode mode);

    /** Asks the server to re-read its configuration (SIGHUP). */
    void reload();
}

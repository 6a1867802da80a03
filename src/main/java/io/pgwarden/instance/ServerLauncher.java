package io.pgwarden.instance;

/** Starts the postmaster and returns once it accepts connections. */
public interface ServerLauncher {
    /**
     * @throws io.pgwarden.core.PgWardenException POSTGRES_FAILED when it exits or does not become ready
     *         in time (the message carries the end of the server log)
     */
    ServerProcess start();
}

package io.pgwarden.agent;

import io.pgwarden.health.PostgresStatus;
import io.pgwarden.health.PostgresStatusSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cycle of the agent's watch over a server it does not own: reads the (cached) status and
 * reports transitions. Going away is not an error: health turns readiness to 503 and the agent
 * waits; coming back runs {@code onReturn} (create the database, re-apply migrations).
 */
final class ServerMonitor {
    private static final Logger log = LoggerFactory.getLogger(ServerMonitor.class);

    private final PostgresStatusSupplier postgres;
    private final String target;
    private final Runnable onReturn;
    private boolean running;
    private boolean returnHandled;

    /**
     * @param onReturn run when the server is seen answering after being away (and the first time); if it
     *                 throws, it runs again on the next cycle; it invalidates the cached status if it changed
     *                 the server (e.g. created the database)
     */
    ServerMonitor(PostgresStatusSupplier postgres, String target, Runnable onReturn) {
        this.postgres = postgres;
        this.target = target;
        this.onReturn = onReturn;
    }

    /** Observes once; returns the observation. */
    PostgresStatus cycle() {
        PostgresStatus status = postgres.current();
        if (status.reachable()) {
            if (!running) {
                log.info("PostgreSQL at {} accepts connections ({})", target, status.state().label());
                running = true;
                returnHandled = false;
            }
            if (!returnHandled) {
                onReturn.run();
                returnHandled = true;
                status = postgres.current();
            }
        } else if (running) {
            log.warn("PostgreSQL at {} is {}: {}; readiness is 503 until it returns", target, status.state().label(),
                    status.error());
            running = false;
        }
        return status;
    }
}

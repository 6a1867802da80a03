package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.health.PostgresStatus;
import io.pgwarden.health.PostgresStatusSupplier;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits, with a deadline, until PostgreSQL accepts connections, reading the same cached status the
 * health endpoints show (so waiting costs no extra sessions).
 */
final class ServerWaiter {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ServerWaiter.class);
    /** Between attempts: a starting server usually accepts within a second or two. */
    static final Duration POLL = Duration.ofMillis(500);

    private final PostgresStatusSupplier postgres;
    private final Clock clock;

    ServerWaiter(PostgresStatusSupplier postgres, Clock clock) {
        this.postgres = postgres;
        this.clock = clock;
    }

    /**
     * Returns the first status in which the server answers (RUNNING, or DATABASE_MISSING for the caller to create it).
     *
     * @param target  the server's display name for the error message
     * @param stop    polled between attempts; when true the wait ends with null
     * @param onPoll  called once per attempt (the caller's heartbeat)
     * @throws PgWardenException FAILED naming the server, the deadline and the last error
     */
    PostgresStatus await(String target, Duration timeout, BooleanSupplier stop, Runnable onPoll)
            throws InterruptedException {
        long deadline = clock.nanoTime() + timeout.toNanos();
        String lastError = null;
        while (true) {
            onPoll.run();
            PostgresStatus status = postgres.current();
            if (status.reachable()) {
                return status;
            }
            if (status.error() != null && !status.error().equals(lastError)) {
                // each new reason once, so a wrong password is seen at once rather than after --wait-timeout
                lastError = status.error();
                log.warn("waiting for PostgreSQL at {} ({}): {}", target, status.state().label(), lastError);
            }
            if (stop.getAsBoolean()) {
                return null;
            }
            if (clock.nanoTime() - deadline >= 0) {
                throw new PgWardenException(ErrorCode.FAILED, "PostgreSQL at " + target + " did not accept connections"
                        + " within " + Durations.format(timeout) + " (--wait-timeout); last error: " + status.error()
                        + ". Check that the server runs and DATABASE_URL is right, or raise --wait-timeout.");
            }
            clock.sleep(POLL);
        }
    }
}

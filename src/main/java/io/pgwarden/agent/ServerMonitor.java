package io.pgwarden.agent;

import io.pgwarden.agent.CycleResult.Level;
import io.pgwarden.health.PostgresStatus;
import io.pgwarden.health.PostgresStatusSupplier;
import java.time.Duration;

/**
 * The agent's watch over its server (owned or not), as a loop: each cycle reads the (cached) status and says
 * what it found. Going away is not an error: health turns readiness to 503 and the agent waits; coming back
 * runs {@code onReturn} (create the database, re-apply migrations).
 */
final class ServerMonitor implements AgentLoop {
    /** Several missed cycles: a probe query is bounded by 3 s, so only a truly stuck loop is silent this long. */
    static final Duration MAX_SILENCE = Duration.ofSeconds(60);

    /** What one cycle saw. */
    record Observation(PostgresStatus status, String reason, Level level) implements CycleResult {
    }

    private final PostgresStatusSupplier postgres;
    private final String target;
    private final Runnable onReturn;
    private final Duration interval;
    private boolean returnHandled;

    /**
     * @param onReturn run when the server is seen answering after being away (and the first time); if it
     *                 throws, it runs again on the next cycle; it invalidates the cached status if it changed
     *                 the server (e.g. created the database)
     * @param interval the wait between cycles ({@code --monitor-interval})
     */
    ServerMonitor(PostgresStatusSupplier postgres, String target, Runnable onReturn, Duration interval) {
        this.postgres = postgres;
        this.target = target;
        this.onReturn = onReturn;
        this.interval = interval;
    }

    @Override
    public String name() {
        return "monitor";
    }

    @Override
    public Duration maxSilence() {
        return MAX_SILENCE;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    /** Observes once; returns the observation. */
    @Override
    public Observation cycle() {
        PostgresStatus status = postgres.current();
        if (status.reachable()) {
            if (!returnHandled) {
                onReturn.run();
                returnHandled = true;
                status = postgres.current();
            }
            return new Observation(status, "PostgreSQL at " + target + " accepts connections (" + status.state().label()
                    + ")", Level.INFO);
        }
        returnHandled = false;
        String why = status.error() != null ? ": " + status.error() : status.phase() != null ? " (" + status.phase() + ")" : "";
        return new Observation(status, "PostgreSQL at " + target + " is " + status.state().label() + why
                + "; readiness is 503 until it returns", Level.WARN);
    }
}

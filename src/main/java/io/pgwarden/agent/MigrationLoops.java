package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.migrate.MigrationSettings;
import io.pgwarden.migrate.WatchCommand;
import java.util.function.BooleanSupplier;

/**
 * The two loops of an agent's migrations directory: {@link MigrationLoop} applies (when triggered or when a
 * retry is due) and {@link MigrationWatchLoop} triggers it when the directory changes. Built before the server
 * answers, so every chain shows as waiting on /readiness at once.
 */
final class MigrationLoops {
    private final MigrationLoop apply;
    private final MigrationWatchLoop watch;

    MigrationLoops(MigrationSettings settings, AgentHealth health, BooleanSupplier writable, Clock clock,
            MigrationRetry retry) {
        MigrationBoard board = new MigrationBoard(settings.dir(), health.migrations(),
                () -> health.postgres().lastKnown().reachable(), clock);
        this.apply = new MigrationLoop(settings, board, writable, clock, retry);
        this.watch = new MigrationWatchLoop(settings.dir(), WatchCommand.DEFAULT_DEBOUNCE, clock, apply::directoryChanged);
    }

    /** Adds both loops to {@code agent}. */
    Agent addTo(Agent agent) {
        return agent.add(apply).add(watch);
    }

    /** Asks for an apply run (the server answered or came back). */
    void trigger() {
        apply.trigger();
    }
}

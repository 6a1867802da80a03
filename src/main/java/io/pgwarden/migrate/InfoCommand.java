package io.pgwarden.migrate;

import io.pgwarden.core.Clock;

/**
 * Reports every migration with its state; read-only (never creates the database or the history table,
 * never takes the lock). Costs one directory scan, one connection and one query, so the agent can call it
 * on every status request; {@link InfoResult#status()} condenses it per chain.
 */
public final class InfoCommand {
    private final MigrationSettings settings;
    private final Clock clock;

    public InfoCommand(MigrationSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public InfoResult execute() {
        var chains = new MigrationResolver(settings).resolve();
        try (MigrationSession session = MigrationSession.open(settings, false, clock)) {
            return new InfoResult(session.reports(chains), !session.missing());
        }
    }
}

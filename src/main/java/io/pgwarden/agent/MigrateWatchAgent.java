package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.health.AgentMetrics;
import io.pgwarden.health.LoopRegistry;
import io.pgwarden.migrate.ApplyResult;
import io.pgwarden.migrate.MigrationSettings;
import io.pgwarden.migrate.WatchCommand;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * {@code pgwarden migrate watch}: the agent of one loop ({@link MigrateWatchLoop}). The first apply runs on the
 * caller's thread, so a directory that cannot be watched fails the command at once; then the loop applies on
 * every change until the stop signal, which lets the current apply finish.
 */
public final class MigrateWatchAgent {
    private final MigrationSettings settings;
    private final Duration debounce;
    private final Clock clock;
    private final Consumer<ApplyResult> onApplied;
    private final Consumer<PgWardenException> onError;

    /** @param onApplied hears every apply's result; {@code onError} every run that failed as a whole */
    public MigrateWatchAgent(MigrationSettings settings, Duration debounce, Clock clock, Consumer<ApplyResult> onApplied,
            Consumer<PgWardenException> onError) {
        this.settings = settings;
        this.debounce = debounce;
        this.clock = clock;
        this.onApplied = onApplied;
        this.onError = onError;
    }

    /**
     * Runs until {@code stop} is requested; returns 0 then.
     *
     * @throws IOException when the directory cannot be watched at the start
     */
    public int run(StopSignal stop) throws IOException, InterruptedException {
        stop.begin();
        try (WatchCommand watch = new WatchCommand(settings, debounce, clock, onApplied, onError)) {
            MigrateWatchLoop loop = new MigrateWatchLoop(watch);
            stop.onStop(watch::stop);
            if (!stop.isRequested()) {
                watch.cycle(); // the first apply
            }
            new Agent(new LoopRegistry(clock, new AgentMetrics().registry()), clock).add(loop).run(stop);
            return 0;
        } finally {
            stop.finished();
        }
    }
}

package io.pgwarden.agent;

import io.pgwarden.migrate.WatchCommand;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pgwarden migrate watch} as an agent loop: each cycle is one {@link WatchCommand#cycle()} (apply now, then
 * whenever the directory changes). A stop ends a wait for the next change at once and lets an apply finish.
 */
public final class MigrateWatchLoop implements AgentLoop {
    private static final Logger log = LoggerFactory.getLogger(MigrateWatchLoop.class);
    /** After the watch itself failed (inotify limits): soon enough for a change to be picked up, not a spin. */
    static final Duration REWATCH = Duration.ofSeconds(2);
    /**
     * An apply may wait for the lock and run long statements; liveness is not served by this command, so the limit
     * only bounds what the metrics call stuck.
     */
    private static final Duration MAX_SILENCE = Duration.ofMinutes(30);

    /** One cycle: whether it applied, and the apply runs so far. */
    public record Watched(boolean applied, int applies) implements CycleResult {
        @Override
        public String reason() {
            return "watching for changes (" + applies + (applies == 1 ? " apply run)" : " apply runs)");
        }

        @Override
        public Duration next() {
            return Duration.ZERO; // the next cycle's poll (at most 2 s) is the wait
        }
    }

    private final WatchCommand watch;

    public MigrateWatchLoop(WatchCommand watch) {
        this.watch = watch;
    }

    @Override
    public String name() {
        return "migrate-watch";
    }

    @Override
    public Duration maxSilence() {
        return MAX_SILENCE;
    }

    @Override
    public Duration interval() {
        return REWATCH;
    }

    @Override
    public Watched cycle() throws IOException {
        boolean applied = watch.cycle();
        return new Watched(applied, watch.applies());
    }

    @Override
    public void stopRequested() {
        watch.stop();
    }

    @Override
    public void stopped() {
        try {
            watch.close();
        } catch (IOException e) {
            log.debug("closing the migrations watch: {}", e.toString());
        }
        log.info("migrate watch stopped after {} apply runs", watch.applies());
    }
}

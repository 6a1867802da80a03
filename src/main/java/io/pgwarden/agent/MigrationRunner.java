package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.health.ChainState;
import io.pgwarden.health.LoopHeartbeat;
import io.pgwarden.health.LoopRegistry;
import io.pgwarden.health.MigrationChainStatus;
import io.pgwarden.health.MigrationStatusBoard;
import io.pgwarden.migrate.ApplyCommand;
import io.pgwarden.migrate.ApplyResult;
import io.pgwarden.migrate.DirectoryWatch;
import io.pgwarden.migrate.InfoCommand;
import io.pgwarden.migrate.InfoResult;
import io.pgwarden.migrate.MigrationChain;
import io.pgwarden.migrate.MigrationFailure;
import io.pgwarden.migrate.MigrationResolver;
import io.pgwarden.migrate.MigrationSettings;
import io.pgwarden.migrate.MigrationStatus;
import io.pgwarden.migrate.RetryPolicy;
import io.pgwarden.migrate.WatchCommand;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a migrations directory from the agent and keeps the health board current: one thread
 * applies when triggered (the server answered, came back, or the directory changed), another waits
 * for directory changes. On a server that may not be written (a replica) it only reads the history
 * (migrations reach replicas through replication). A failed migration is retried only when its file
 * changes ({@link RetryPolicy#RETRY_CHANGED}); until then the board shows the failure and readiness
 * is 503.
 */
final class MigrationRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);
    /** The apply thread beats while idle at this period; much shorter than any liveness limit. */
    private static final Duration IDLE_BEAT = Duration.ofSeconds(10);
    /**
     * How long one apply run may go without a heartbeat: the lock wait plus half an hour for the statements
     * themselves (index builds on large tables). Liveness only flags a run stuck far beyond that.
     */
    private static final Duration STATEMENT_ALLOWANCE = Duration.ofMinutes(30);

    private final MigrationSettings settings;
    private final MigrationStatusBoard board;
    private final BooleanSupplier writable;
    private final BooleanSupplier serverAnswers;
    private final Clock clock;
    private final LoopHeartbeat beat;
    private final Object lock = new Object();
    private boolean triggered;
    private volatile boolean closed;
    private Thread applier;
    private Thread watcher;

    /**
     * @param writable      true when the server is a primary the agent may migrate
     * @param serverAnswers true when the server accepts connections (a failure then is not "server away")
     */
    MigrationRunner(MigrationSettings settings, MigrationStatusBoard board, LoopRegistry loops,
            BooleanSupplier writable, BooleanSupplier serverAnswers, Clock clock) {
        this.settings = settings;
        this.board = board;
        this.writable = writable;
        this.serverAnswers = serverAnswers;
        this.clock = clock;
        this.beat = loops.register("migrations", settings.lockTimeout().plus(STATEMENT_ALLOWANCE));
        declareChains();
    }

    /** Every chain on disk is WAITING until its first run, so readiness is 503 until then. */
    private void declareChains() {
        for (MigrationChain chain : new MigrationResolver(settings.dir()).resolve()) {
            int files = chain.versioned().size() + chain.repeatable().size();
            board.update(new MigrationChainStatus(chain.displayName(), ChainState.WAITING, 0, files, 0, null, null,
                    clock.now()));
        }
    }

    /** Starts the apply thread and the directory watch. */
    void start() {
        applier = new Thread(this::applyLoop, "migrations");
        applier.setDaemon(true);
        applier.start();
        watcher = new Thread(this::watchLoop, "migrations-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Asks for an apply run (the server answered or came back). */
    void trigger() {
        synchronized (lock) {
            triggered = true;
            lock.notifyAll();
        }
    }

    private void applyLoop() {
        while (!closed) {
            synchronized (lock) {
                if (!triggered) {
                    try {
                        lock.wait(IDLE_BEAT.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!triggered) {
                    beat.beat();
                    continue;
                }
                triggered = false;
            }
            if (!closed) {
                beat.runCycle(this::runOnce);
            }
        }
    }

    private void watchLoop() {
        try (DirectoryWatch watch = new DirectoryWatch(settings.dir(), WatchCommand.DEFAULT_DEBOUNCE, clock)) {
            while (!closed) {
                watch.awaitChange();
                log.info("migrations directory {} changed", settings.dir());
                declareNewChains();
                trigger();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            beat.recordError();
            log.error("watching {} failed ({}); changes are picked up only when the server comes back or the agent"
                    + " restarts", settings.dir(), e.toString());
        }
    }

    /** A group directory added at runtime shows up as WAITING before its first run. */
    private void declareNewChains() {
        List<String> known = board.chains().stream().map(MigrationChainStatus::chain).toList();
        for (MigrationChain chain : new MigrationResolver(settings.dir()).resolve()) {
            if (!known.contains(chain.displayName())) {
                board.update(new MigrationChainStatus(chain.displayName(), ChainState.WAITING, 0,
                        chain.versioned().size() + chain.repeatable().size(), 0, null, null, clock.now()));
            }
        }
    }

    /** One run: apply (primary) or read (replica), then publish every chain's status. Throws to count an error. */
    private void runOnce() {
        long start = clock.nanoTime();
        boolean apply = writable.getAsBoolean();
        if (apply) {
            board.chains().forEach(c -> board.update(new MigrationChainStatus(c.chain(), ChainState.APPLYING, c.applied(),
                    c.pending(), c.failed(), c.error(), c.lastDuration(), clock.now())));
        }
        ApplyResult result = null;
        try {
            if (apply) {
                result = new ApplyCommand(settings, RetryPolicy.RETRY_CHANGED, false, clock).execute();
                if (result.appliedCount() > 0) {
                    log.info("applied {} migration(s) to {}", result.appliedCount(), settings.spec().display());
                }
            }
            InfoResult info = new InfoCommand(settings, clock).execute();
            publish(info, result, Duration.ofNanos(clock.nanoTime() - start), null);
            if (result != null && !result.success()) {
                throw new PgWardenException(io.pgwarden.core.ErrorCode.MIGRATION_FAILED,
                        result.failures().get(0).message(true));
            }
        } catch (PgWardenException e) {
            if (result == null) {
                publishError(e, Duration.ofNanos(clock.nanoTime() - start));
            }
            throw e;
        }
    }

    private void publish(InfoResult info, ApplyResult result, Duration took, String error) {
        Map<String, String> failures = new HashMap<>();
        if (result != null) {
            for (MigrationFailure f : result.failures()) {
                failures.putIfAbsent(MigrationChain.displayName(f.group()), f.message(true));
            }
        }
        for (MigrationStatus s : info.status()) {
            ChainState state = s.failed() > 0 || s.problems() > 0 ? ChainState.FAILED
                    : s.pending() == 0 ? ChainState.APPLIED : ChainState.WAITING;
            String message = failures.getOrDefault(s.group(), s.error() != null
                    ? "Migration " + s.failedScript() + " failed: " + s.error() + ". Fix the file; pgwarden applies it again"
                    + " when it changes." : s.problems() > 0 ? s.problems() + " migration(s) changed, missing or out of"
                    + " order; run 'pgwarden migrate validate' for details" : error);
            board.update(new MigrationChainStatus(s.group(), state, (int) s.applied(), (int) s.pending(),
                    (int) s.failed(), message, took, clock.now()));
        }
    }

    /** The run failed as a whole (server away, lock timeout, validation): every chain shows why. */
    private void publishError(PgWardenException e, Duration took) {
        boolean away = !serverAnswers.getAsBoolean();
        ChainState state = away ? ChainState.WAITING : ChainState.FAILED;
        board.chains().forEach(c -> board.update(new MigrationChainStatus(c.chain(), state, c.applied(), c.pending(),
                c.failed(), e.getMessage(), took, clock.now())));
    }

    @Override
    public void close() {
        closed = true;
        if (applier != null) {
            applier.interrupt();
        }
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}

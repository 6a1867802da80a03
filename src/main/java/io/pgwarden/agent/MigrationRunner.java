package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.health.ChainState;
import io.pgwarden.health.LoopHeartbeat;
import io.pgwarden.health.LoopRegistry;
import io.pgwarden.health.MigrationChainStatus;
import io.pgwarden.health.MigrationStatusBoard;
import io.pgwarden.migrate.ApplyCommand;
import io.pgwarden.migrate.ApplyResult;
import io.pgwarden.migrate.InfoCommand;
import io.pgwarden.migrate.InfoResult;
import io.pgwarden.migrate.MigrationChain;
import io.pgwarden.migrate.MigrationFailure;
import io.pgwarden.migrate.MigrationResolver;
import io.pgwarden.migrate.MigrationSettings;
import io.pgwarden.migrate.MigrationStatus;
import io.pgwarden.migrate.RetryPolicy;
import io.pgwarden.migrate.WatchCommand;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a migrations directory from the agent and keeps the health board current: one thread
 * applies when triggered (the server answered, came back, or the directory changed) or when a retry is
 * due ({@link MigrationRetry}), another watches the directory ({@link MigrationWatchLoop}). On a server
 * that may not be written (a replica) it only reads the history (migrations reach replicas through
 * replication). Nothing here ends the agent: a directory that cannot be used (bad names, duplicate
 * versions, missing) shows as a failed chain on the board, so readiness is 503 with the reason, until
 * the files are fixed. A failed migration runs again when its file changes ({@link RetryPolicy#RETRY_CHANGED}).
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
    private final MigrationRetry retry;
    private final MigrationWatchLoop watchLoop;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}: a run was asked for. */
    private boolean triggered;
    /** Guarded by {@link #lock}: {@link Clock#nanoTime()} when the next untriggered run is due, null for none. */
    private Long retryAt;
    /** The last failure logged, so a re-check that finds the same problem does not log it again. */
    private String lastLogged;
    private volatile boolean closed;
    private Thread applier;
    private Thread watcher;

    /**
     * With the production retry intervals ({@link MigrationRetry#defaults()}).
     *
     * @param writable      true when the server is a primary the agent may migrate
     * @param serverAnswers true when the server accepts connections (a failure then is not "server away")
     */
    MigrationRunner(MigrationSettings settings, MigrationStatusBoard board, LoopRegistry loops,
            BooleanSupplier writable, BooleanSupplier serverAnswers, Clock clock) {
        this(settings, board, loops, writable, serverAnswers, clock, MigrationRetry.defaults());
    }

    /** As above, with given retry intervals (tests use short ones). Never throws for the directory's content. */
    MigrationRunner(MigrationSettings settings, MigrationStatusBoard board, LoopRegistry loops,
            BooleanSupplier writable, BooleanSupplier serverAnswers, Clock clock, MigrationRetry retry) {
        this.settings = settings;
        this.board = board;
        this.writable = writable;
        this.serverAnswers = serverAnswers;
        this.clock = clock;
        this.retry = retry;
        this.beat = loops.register("migrations", settings.lockTimeout().plus(STATEMENT_ALLOWANCE));
        this.watchLoop = new MigrationWatchLoop(settings.dir(), WatchCommand.DEFAULT_DEBOUNCE, clock, beat, () -> {
            declareChains();
            trigger();
        });
        declareChains();
    }

    /**
     * Every chain on disk not on the board yet shows as WAITING (so readiness is 503 until its first run);
     * a directory that cannot be used shows as FAILED on every chain, with the reason.
     */
    private void declareChains() {
        List<MigrationChain> chains;
        try {
            chains = new MigrationResolver(settings.dir()).resolve();
        } catch (PgWardenException e) {
            String problem = directoryProblem(e);
            publishDirectoryProblem(problem);
            logFailure(problem, "");
            return;
        }
        List<String> known = board.chains().stream().map(MigrationChainStatus::chain).toList();
        for (MigrationChain chain : chains) {
            if (!known.contains(chain.displayName())) {
                board.update(new MigrationChainStatus(chain.displayName(), ChainState.WAITING, 0,
                        chain.versioned().size() + chain.repeatable().size(), 0, null, null, clock.now()));
            }
        }
    }

    /** Starts the apply thread and the directory watch. */
    void start() {
        applier = new Thread(this::applyLoop, "migrations");
        applier.setDaemon(true);
        applier.start();
        watcher = new Thread(watchLoop, "migrations-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Asks for an apply run (the server answered or came back, the directory changed). */
    void trigger() {
        synchronized (lock) {
            triggered = true;
            lock.notifyAll();
        }
    }

    private void applyLoop() {
        while (!closed) {
            try {
                if (!awaitTurn()) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            RunReport[] report = {new RunReport(MigrationRetry.Outcome.RETRY, null)};
            beat.runCycle(() -> report[0] = runOnce());
            Duration next = retry.after(report[0].outcome());
            synchronized (lock) {
                retryAt = next == null ? null : clock.nanoTime() + next.toNanos();
            }
            if (report[0].failure() != null) {
                beat.recordError();
                logFailure(report[0].failure(), next == null ? "" : report[0].outcome() == MigrationRetry.Outcome.RETRY
                        ? " (retrying in " + Durations.format(next) + ")"
                        : " (checking again in " + Durations.format(next) + " and whenever the directory changes)");
            }
        }
    }

    /** Waits for a trigger or a due retry, at most {@link #IDLE_BEAT}; true when a run is due now. */
    private boolean awaitTurn() throws InterruptedException {
        synchronized (lock) {
            if (!due()) {
                long waitMillis = IDLE_BEAT.toMillis();
                if (retryAt != null) {
                    waitMillis = Math.min(waitMillis, Math.max(1, (retryAt - clock.nanoTime() + 999_999) / 1_000_000));
                }
                lock.wait(waitMillis);
            }
            if (!due()) {
                beat.beat();
                return false;
            }
            triggered = false;
            retryAt = null;
            return true;
        }
    }

    private boolean due() {
        return triggered || retryAt != null && clock.nanoTime() - retryAt >= 0;
    }

    /** What one run left: when to run again, and the failure to log (null when none). */
    private record RunReport(MigrationRetry.Outcome outcome, String failure) {
    }

    /** One run: apply (primary) or read (replica), then publish every chain's status. */
    private RunReport runOnce() {
        long start = clock.nanoTime();
        boolean apply = writable.getAsBoolean();
        if (apply) {
            // a failed chain keeps its failure (and readiness its reason) while a retry or re-check runs; the
            // run's outcome replaces it
            board.chains().stream().filter(c -> c.state() != ChainState.FAILED)
                    .forEach(c -> board.update(new MigrationChainStatus(c.chain(), ChainState.APPLYING, c.applied(),
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
            publish(info, result, Duration.ofNanos(clock.nanoTime() - start));
        } catch (PgWardenException e) {
            if (e.code() == ErrorCode.INVALID_INPUT) {
                String problem = directoryProblem(e);
                publishDirectoryProblem(problem);
                return new RunReport(MigrationRetry.Outcome.CHECK_AGAIN, problem);
            }
            if (result == null) {
                publishError(e, Duration.ofNanos(clock.nanoTime() - start));
            }
            // a changed or missing applied file may be fixed by 'migrate repair', which touches no file: re-check
            return new RunReport(e.code() == ErrorCode.VALIDATION_FAILED ? MigrationRetry.Outcome.CHECK_AGAIN
                    : MigrationRetry.Outcome.RETRY, e.getMessage());
        } catch (RuntimeException e) {
            // a bug rather than a migration problem: still shown on the board (not stuck in 'applying') and retried
            PgWardenException internal = new PgWardenException(ErrorCode.INTERNAL, "migrations failed unexpectedly: " + e, e);
            publishError(internal, Duration.ofNanos(clock.nanoTime() - start));
            return new RunReport(MigrationRetry.Outcome.RETRY, internal.getMessage());
        }
        if (result != null && !result.success()) {
            return new RunReport(MigrationRetry.Outcome.CHECK_AGAIN, result.failures().get(0).message(true));
        }
        if (board.chains().stream().allMatch(MigrationChainStatus::upToDate)) {
            synchronized (this) {
                lastLogged = null;
            }
            return new RunReport(MigrationRetry.Outcome.UP_TO_DATE, null);
        }
        // a failure recorded earlier (fixed by a file change or 'migrate repair'), or a replica behind its primary
        return new RunReport(MigrationRetry.Outcome.CHECK_AGAIN, null);
    }

    /** The board's message for a directory that cannot be used: what is wrong and that fixing the files is enough. */
    private String directoryProblem(PgWardenException e) {
        if (!Files.isDirectory(settings.dir())) {
            return "Migrations directory " + settings.dir() + " does not exist or is not a directory (removed while the"
                    + " agent runs?); the agent applies it as soon as it is back.";
        }
        return e.getMessage() + System.lineSeparator()
                + "Fix or remove these files: the agent applies the directory as soon as it changes.";
    }

    /** Logs a failure once; the same failure found again by a re-check goes to DEBUG. */
    private synchronized void logFailure(String failure, String next) {
        if (failure.equals(lastLogged)) {
            log.debug("migrations of {} still fail: {}{}", settings.spec().display(), failure, next);
        } else {
            lastLogged = failure;
            log.error("migrations of {}: {}{}", settings.spec().display(), failure, next);
        }
    }

    private void publish(InfoResult info, ApplyResult result, Duration took) {
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
                    + " order; run 'pgwarden migrate validate' for details" : null);
            board.update(new MigrationChainStatus(s.group(), state, (int) s.applied(), (int) s.pending(),
                    (int) s.failed(), message, took, clock.now()));
        }
        // Chains gone from the directory and the history, and the placeholder of an unusable directory. A group
        // added while this run went is dropped too, but the watch's trigger runs again at once and declares it.
        board.retain(info.status().stream().map(MigrationStatus::group).toList());
    }

    /** The run failed as a whole (server away, lock timeout, validation): every chain shows why. */
    private void publishError(PgWardenException e, Duration took) {
        boolean away = !serverAnswers.getAsBoolean();
        ChainState state = away ? ChainState.WAITING : ChainState.FAILED;
        board.chains().forEach(c -> board.update(new MigrationChainStatus(c.chain(), state, c.applied(), c.pending(),
                c.failed(), e.getMessage(), took, clock.now())));
    }

    /** Every chain (the root chain when none is known yet) fails with {@code problem}: nothing can be applied. */
    private void publishDirectoryProblem(String problem) {
        List<MigrationChainStatus> chains = board.chains();
        if (chains.isEmpty()) {
            board.update(new MigrationChainStatus(MigrationChain.displayName(""), ChainState.FAILED, 0, 0, 0, problem,
                    null, clock.now()));
        }
        chains.forEach(c -> board.update(new MigrationChainStatus(c.chain(), ChainState.FAILED, c.applied(), c.pending(),
                c.failed(), problem, c.lastDuration(), clock.now())));
    }

    @Override
    public void close() {
        closed = true;
        watchLoop.close();
        if (applier != null) {
            applier.interrupt();
        }
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}

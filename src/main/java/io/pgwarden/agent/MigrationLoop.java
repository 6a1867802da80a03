package io.pgwarden.agent;

import io.pgwarden.agent.CycleResult.Level;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.core.Wakeup;
import io.pgwarden.migrate.ApplyCommand;
import io.pgwarden.migrate.ApplyResult;
import io.pgwarden.migrate.InfoCommand;
import io.pgwarden.migrate.MigrationSettings;
import io.pgwarden.migrate.MigrationStatus;
import io.pgwarden.migrate.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's migrations as a loop: a cycle applies the directory when {@link #trigger() triggered} (the
 * server answered, came back, or the directory changed) or when a retry is due ({@link MigrationRetry}), and
 * publishes every chain on the health board ({@link MigrationBoard}). On a server that may not be written (a
 * replica) it only reads the history (migrations reach replicas through replication). Nothing here ends the
 * agent: a directory that cannot be used (bad names, duplicate versions, missing) shows as a failed chain, so
 * readiness is 503 with the reason, until the files are fixed. A failed migration runs again when its file
 * changes ({@link RetryPolicy#RETRY_CHANGED}).
 */
final class MigrationLoop implements AgentLoop {
    private static final Logger log = LoggerFactory.getLogger(MigrationLoop.class);
    /**
     * How long one apply run may go without a heartbeat: the lock wait plus half an hour for the statements
     * themselves (index builds on large tables). Liveness only flags a run stuck far beyond that.
     */
    private static final Duration STATEMENT_ALLOWANCE = Duration.ofMinutes(30);
    /**
     * With nothing due the loop waits for a trigger; it looks once a day anyway (one directory scan and one
     * history read), which costs nothing and bounds the damage of a trigger that was lost.
     */
    static final Duration UNTIL_TRIGGERED = Duration.ofDays(1);

    /** What the agent runs against the server: production uses {@link ApplyCommand} and {@link InfoCommand}. */
    interface Runs {
        ApplyResult apply();

        List<MigrationStatus> status();
    }

    /**
     * What one cycle did: the outcome (which decides the next run), the failure (null when none), and why;
     * {@code ran} is false for a cycle that found nothing due and repeats the last run's reason.
     */
    record Run(MigrationRetry.Outcome outcome, String failure, String reason, Level level, Duration next, boolean ran)
            implements CycleResult {
        Run(MigrationRetry.Outcome outcome, String failure, String reason, Level level, Duration next) {
            this(outcome, failure, reason, level, next, true);
        }

        /** A run that failed counts in {@code pgwarden_loop_errors_total{loop="migrations"}}. */
        @Override
        public boolean failed() {
            return ran && failure != null;
        }
    }

    private final String target;
    private final Duration maxSilence;
    private final MigrationBoard board;
    private final Runs runs;
    private final BooleanSupplier writable;
    private final Clock clock;
    private final MigrationRetry retry;
    private final Wakeup wakeup = new Wakeup();
    private volatile boolean triggered;
    /** {@link Clock#nanoTime()} when the next untriggered run is due, null for none; the loop's thread only. */
    private Long retryAt;
    private Run last = new Run(MigrationRetry.Outcome.UP_TO_DATE, null, "waiting for the server to accept connections",
            Level.INFO, UNTIL_TRIGGERED);

    /**
     * @param writable true when the server is a primary the agent may migrate
     */
    MigrationLoop(MigrationSettings settings, MigrationBoard board, BooleanSupplier writable, Clock clock,
            MigrationRetry retry) {
        this(settings.spec().display(), settings.lockTimeout(), board, new Runs() {
            @Override
            public ApplyResult apply() {
                return new ApplyCommand(settings, RetryPolicy.RETRY_CHANGED, false, clock).execute();
            }

            @Override
            public List<MigrationStatus> status() {
                return new InfoCommand(settings, clock).execute().status();
            }
        }, writable, clock, retry);
    }

    /** With given runs (unit tests use fakes). */
    MigrationLoop(String target, Duration lockTimeout, MigrationBoard board, Runs runs, BooleanSupplier writable,
            Clock clock, MigrationRetry retry) {
        this.target = target;
        this.maxSilence = lockTimeout.plus(STATEMENT_ALLOWANCE);
        this.board = board;
        this.runs = runs;
        this.writable = writable;
        this.clock = clock;
        this.retry = retry;
        String problem = board.declareChains();
        if (problem != null) {
            log.error("migrations of {}: {}", target, problem);
        }
    }

    @Override
    public String name() {
        return "migrations";
    }

    @Override
    public Duration maxSilence() {
        return maxSilence;
    }

    @Override
    public Duration interval() {
        return UNTIL_TRIGGERED;
    }

    @Override
    public Wakeup wakeup() {
        return wakeup;
    }

    /** Asks for an apply run (the server answered or came back, the directory changed); any thread. */
    void trigger() {
        triggered = true;
        wakeup.wake();
    }

    /** The directory changed: declare new chains, then run. */
    void directoryChanged() {
        board.declareChains();
        trigger();
    }

    @Override
    public Run cycle() {
        long now = clock.nanoTime();
        boolean due = triggered || retryAt != null && now - retryAt >= 0;
        if (!due) {
            Duration next = retryAt == null ? UNTIL_TRIGGERED : Duration.ofNanos(retryAt - now);
            return new Run(last.outcome(), last.failure(), last.reason(), last.level(), next, false);
        }
        triggered = false;
        Run run = runOnce();
        Duration next = retry.after(run.outcome());
        retryAt = next == null ? null : clock.nanoTime() + next.toNanos();
        last = run.failure() == null
                ? new Run(run.outcome(), null, run.reason(), Level.INFO, next == null ? UNTIL_TRIGGERED : next)
                : new Run(run.outcome(), run.failure(), run.failure()
                        + (next == null ? "" : run.outcome() == MigrationRetry.Outcome.RETRY
                        ? " (retrying with a growing backoff, at most every " + Durations.format(retry.max()) + ")"
                        : " (checking again every " + Durations.format(next) + " and whenever the directory changes)"),
                        Level.ERROR, next);
        return last;
    }

    /** One run: apply (primary) or read (replica), then publish every chain's status. */
    private Run runOnce() {
        long start = clock.nanoTime();
        boolean apply = writable.getAsBoolean();
        if (apply) {
            // a failed chain keeps its failure (and readiness its reason) while a retry or re-check runs
            board.applying();
        }
        ApplyResult result = null;
        try {
            if (apply) {
                result = runs.apply();
                if (result.appliedCount() > 0) {
                    log.info("applied {} migration(s) to {}", result.appliedCount(), target);
                }
            }
            board.publish(runs.status(), result, Duration.ofNanos(clock.nanoTime() - start));
        } catch (PgWardenException e) {
            if (e.code() == ErrorCode.INVALID_INPUT) {
                String problem = board.directoryProblem(e);
                board.publishDirectoryProblem(problem);
                return failed(MigrationRetry.Outcome.CHECK_AGAIN, problem);
            }
            if (result == null) {
                board.publishError(e, Duration.ofNanos(clock.nanoTime() - start));
            }
            // a changed or missing applied file may be fixed by 'migrate repair', which touches no file: re-check
            return failed(e.code() == ErrorCode.VALIDATION_FAILED ? MigrationRetry.Outcome.CHECK_AGAIN
                    : MigrationRetry.Outcome.RETRY, e.getMessage());
        } catch (RuntimeException e) {
            // a bug rather than a migration problem: still shown on the board (not stuck in 'applying') and retried
            PgWardenException internal = new PgWardenException(ErrorCode.INTERNAL, "migrations failed unexpectedly: " + e, e);
            board.publishError(internal, Duration.ofNanos(clock.nanoTime() - start));
            return failed(MigrationRetry.Outcome.RETRY, internal.getMessage());
        }
        if (result != null && !result.success()) {
            return failed(MigrationRetry.Outcome.CHECK_AGAIN, result.failures().get(0).message(true));
        }
        int chains = board.chains().size();
        if (board.upToDate()) {
            return new Run(MigrationRetry.Outcome.UP_TO_DATE, null, "every migration chain is applied (" + chains
                    + (chains == 1 ? " chain)" : " chains)"), Level.INFO, null);
        }
        // a failure recorded earlier (fixed by a file change or 'migrate repair'), or a replica behind its primary
        return new Run(MigrationRetry.Outcome.CHECK_AGAIN, null, apply
                ? "some migrations are failed or inconsistent in the history; checking again"
                : "the server may not be written (a replica): the history shows pending migrations until its primary"
                + " applies them", Level.INFO, null);
    }

    private static Run failed(MigrationRetry.Outcome outcome, String failure) {
        return new Run(outcome, failure, failure, Level.ERROR, null);
    }
}

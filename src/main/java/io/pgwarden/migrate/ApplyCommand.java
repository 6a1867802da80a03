package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies pending migrations. The common case, nothing to do, costs one connection (opened while the files are
 * read) and one query (the latest checksum of every script, read in installation order and compared with the
 * files'), and never takes the lock.
 * Otherwise: validate, parse every file to run (a file that mixes transactional and non-transactional
 * statements, or holds its own BEGIN/COMMIT, stops everything before anything is written: a missing database is
 * created, the history table created and the lock taken only after every file was found usable), take the
 * session lock, re-read the history (another runner may have applied things meanwhile), then run the versioned
 * files of every chain, then the repeatable ones (so they may use objects of any chain). A failure stops its chain only.
 */
public final class ApplyCommand {
    private static final Logger log = LoggerFactory.getLogger(ApplyCommand.class);

    private final MigrationSettings settings;
    private final RetryPolicy retry;
    private final boolean skipValidation;
    private final Clock clock;
    /** The placeholder values of this run (null: replacement off); set when it starts. */
    private Placeholders placeholders;

    /**
     * @param retry          what to do with migrations recorded as failed
     * @param skipValidation run even when applied files changed or are missing (implies {@link RetryPolicy#RETRY})
     */
    public ApplyCommand(MigrationSettings settings, RetryPolicy retry, boolean skipValidation, Clock clock) {
        this.settings = settings;
        this.retry = skipValidation ? RetryPolicy.RETRY : retry;
        this.skipValidation = skipValidation;
        this.clock = clock;
    }

    /**
     * @throws PgWardenException INVALID_INPUT (bad names, duplicate versions, a mixed file), VALIDATION_FAILED,
     *         LOCK_TIMEOUT, FAILED (connection); a failing migration is reported in the result, not thrown
     */
    public ApplyResult execute() {
        long t0 = clock.nanoTime();
        placeholders = settings.placeholderValues(clock);
        PendingSession pending = PendingSession.start(settings, clock); // connects while the files are read
        List<MigrationChain> chains;
        try {
            chains = new MigrationResolver(settings).resolve();
        } catch (RuntimeException | Error e) {
            pending.abandon();
            throw e;
        }
        long t1 = clock.nanoTime();
        // Without create: a missing database is created only once every file was checked (parsed) and found usable.
        MigrationSession session = pending.session();
        try {
            Map<ResolvedMigration, SqlScript> parsed = new HashMap<>();
            boolean created = false;
            if (session.missing()) {
                List<ChainReport> reports = session.reports(chains); // empty history: every file is pending
                validate(reports);
                parse(reports, MigrationConnections.serverMajor(settings.spec()), parsed);
                session = MigrationSession.open(settings, true, clock);
                created = true;
            }
            return apply(session, chains, parsed, created, pending, t0, t1);
        } finally {
            session.close();
        }
    }

    private ApplyResult apply(MigrationSession session, List<MigrationChain> chains,
            Map<ResolvedMigration, SqlScript> parsed, boolean created, PendingSession pending, long t0, long t1) {
        long t2 = clock.nanoTime();
        if (!created && session.upToDate(chains)) {
            log.info("up to date: {} read in {} ms, connected in {} ms meanwhile (then waited {} ms),"
                    + " history compared in {} ms", files(count(chains)), ms(t1 - t0), ms(pending.connectNanos()),
                    ms(t2 - t1), ms(clock.nanoTime() - t2));
            return new ApplyResult(List.of(), count(chains), false);
        }
        List<ChainReport> reports = session.reports(chains);
        long t3 = clock.nanoTime();
        validate(reports);
        if (reports.stream().allMatch(r -> r.toApply(retry).isEmpty()) && !session.adoptionPending()) {
            // a failed file that may run again only once it changed (RETRY_CHANGED) leaves nothing to run: say so
            List<String> waiting = reports.stream().flatMap(r -> r.migrations().stream()
                    .filter(i -> i.state() == MigrationState.FAILED).limit(1)
                    .map(i -> "chain " + r.displayName() + " failed at " + i.script())).toList();
            log.info("{}: {} read in {} ms, connected in {} ms meanwhile (then waited {} ms), history read in {} ms",
                    waiting.isEmpty() ? "up to date" : String.join(", ", waiting) + "; waiting for a change of th"
                    + (waiting.size() == 1 ? "at file" : "ose files") + " (or 'pgwarden migrate repair')",
                    files(count(chains)), ms(t1 - t0), ms(pending.connectNanos()), ms(t2 - t1), ms(t3 - t2));
            return new ApplyResult(List.of(), upToDate(reports), false);
        }
        int major = major(session);
        // Every file to run is checked before the lock is taken and the history table created: a refused file
        // leaves the database as it was.
        parse(reports, major, parsed);
        session.lockAndPrepare();
        try {
            long t4 = clock.nanoTime();
            reports = session.reports(chains);
            validate(reports);
            ApplyResult r = run(session, reports, major, parsed);
            log.info("{} read in {} ms, connected in {} ms meanwhile (then waited {} ms), history read in {} ms,"
                    + " lock taken in {} ms, {} run in {} ms", files(count(chains)), ms(t1 - t0),
                    ms(pending.connectNanos()), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3), files(r.outcomes().size()),
                    ms(clock.nanoTime() - t4));
            return r;
        } finally {
            session.unlock();
        }
    }

    /** Parses every file {@code reports} would run that is not parsed yet (refusing a file throws). */
    private void parse(List<ChainReport> reports, int major, Map<ResolvedMigration, SqlScript> parsed) {
        for (ChainReport r : reports) {
            for (MigrationInfo i : r.toApply(retry)) {
                parsed.computeIfAbsent(i.file(), f -> SqlScript.load(f, major, SqlScript.NOTHING_APPLIED, placeholders));
            }
        }
    }

    private static int major(MigrationSession session) {
        try {
            return session.serverMajor();
        } catch (SQLException e) {
            throw session.failure("read the server version", e);
        }
    }

    /** {@code 1 file}, {@code 3 files}. */
    static String files(int n) {
        return n + (n == 1 ? " file" : " files");
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static int count(List<MigrationChain> chains) {
        return chains.stream().mapToInt(c -> c.versioned().size() + c.repeatable().size()).sum();
    }

    private void validate(List<ChainReport> reports) {
        List<String> problems = Validation.problems(reports, retry != RetryPolicy.REFUSE);
        if (problems.isEmpty()) {
            return;
        }
        if (skipValidation) {
            problems.forEach(p -> log.warn("validation skipped (--skip-validation): {}", p));
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add("The migration history of " + settings.spec().display() + " does not match " + settings.dir()
                + "; nothing was applied:");
        problems.forEach(p -> lines.add("  " + p));
        throw new PgWardenException(ErrorCode.VALIDATION_FAILED, String.join(System.lineSeparator(), lines));
    }

    private ApplyResult run(MigrationSession session, List<ChainReport> reports, int major,
            Map<ResolvedMigration, SqlScript> parsed) {
        parse(reports, major, parsed); // the history re-read under the lock may hold a file nobody checked yet
        Map<ChainReport, List<Step>> plan = new LinkedHashMap<>();
        for (ChainReport r : reports) {
            List<Step> steps = new ArrayList<>();
            for (MigrationInfo i : r.toApply(retry)) {
                steps.add(new Step(parsed.get(i.file()), i.state() == MigrationState.FAILED ? i.applied() : null));
            }
            plan.put(r, steps);
        }
        MigrationExecutor executor = new MigrationExecutor(session.connection(), session.history(), clock);
        try {
            executor.useSchema(settings.schema());
        } catch (SQLException e) {
            throw session.failure("set the search_path to schema " + settings.schema(), e);
        }
        List<ExecutionOutcome> outcomes = new ArrayList<>();
        Set<String> stopped = new HashSet<>();
        // Versioned files of every chain first, then repeatable ones, so a view may use tables of any chain.
        for (boolean repeatablePhase : new boolean[] {false, true}) {
            for (Map.Entry<ChainReport, List<Step>> e : plan.entrySet()) {
                if (stopped.contains(e.getKey().group())) {
                    continue;
                }
                for (Step step : e.getValue()) {
                    if ((step.script().migration().type() == MigrationType.REPEATABLE) != repeatablePhase) {
                        continue;
                    }
                    ExecutionOutcome o = executor.run(step.script(), step.previousFailure());
                    outcomes.add(o);
                    if (!o.success()) {
                        log.warn("chain {}: stopped after the failure of {}; other chains go on",
                                e.getKey().displayName(), o.migration().script());
                        stopped.add(e.getKey().group());
                        break;
                    }
                    log.debug("applied {} ({} ms)", o.migration().script(), o.millis());
                }
            }
        }
        return new ApplyResult(outcomes, upToDate(reports), true);
    }

    /** One file to run, parsed, with the failed row it replaces when retried. */
    private record Step(SqlScript script, AppliedMigration previousFailure) {
    }

    private static long upToDate(List<ChainReport> reports) {
        return reports.stream().flatMap(r -> r.migrations().stream())
                .filter(i -> switch (i.state()) {
                    case APPLIED, BELOW_BASELINE, FUTURE -> true;
                    default -> false;
                }).count();
    }
}

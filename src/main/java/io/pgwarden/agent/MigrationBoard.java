package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.health.ChainState;
import io.pgwarden.health.MigrationChainStatus;
import io.pgwarden.health.MigrationStatusBoard;
import io.pgwarden.migrate.ApplyResult;
import io.pgwarden.migrate.MigrationChain;
import io.pgwarden.migrate.MigrationFailure;
import io.pgwarden.migrate.MigrationResolver;
import io.pgwarden.migrate.MigrationStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The translation of migration runs into health entries: what {@link MigrationLoop} learns (the chains on disk,
 * an apply result, the history, a failure) becomes one {@link MigrationChainStatus} per chain on the
 * {@link MigrationStatusBoard} that readiness and {@code /metrics} read. No I/O but the directory scan.
 */
final class MigrationBoard {
    private final Path dir;
    private final MigrationStatusBoard board;
    private final BooleanSupplier serverAnswers;
    private final Clock clock;

    /** @param serverAnswers true when the server accepts connections (a failure then is not "server away") */
    MigrationBoard(Path dir, MigrationStatusBoard board, BooleanSupplier serverAnswers, Clock clock) {
        this.dir = dir;
        this.board = board;
        this.serverAnswers = serverAnswers;
        this.clock = clock;
    }

    /**
     * Every chain on disk not on the board yet shows as WAITING (so readiness is 503 until its first run);
     * a directory that cannot be used shows as FAILED on every chain, with the reason.
     *
     * @return the problem of a directory that cannot be used, null when it can
     */
    String declareChains() {
        List<MigrationChain> chains;
        try {
            chains = new MigrationResolver(dir).resolve();
        } catch (PgWardenException e) {
            String problem = directoryProblem(e);
            publishDirectoryProblem(problem);
            return problem;
        }
        List<String> known = board.chains().stream().map(MigrationChainStatus::chain).toList();
        for (MigrationChain chain : chains) {
            if (!known.contains(chain.displayName())) {
                board.update(new MigrationChainStatus(chain.displayName(), ChainState.WAITING, 0,
                        chain.versioned().size() + chain.repeatable().size(), 0, null, null, clock.now()));
            }
        }
        return null;
    }

    /** An apply run starts: chains show APPLYING, except failed ones, which keep their failure until the run ends. */
    void applying() {
        board.chains().stream().filter(c -> c.state() != ChainState.FAILED)
                .forEach(c -> board.update(new MigrationChainStatus(c.chain(), ChainState.APPLYING, c.applied(),
                        c.pending(), c.failed(), c.error(), c.lastDuration(), clock.now())));
    }

    /** The board's message for a directory that cannot be used: what is wrong and that fixing the files is enough. */
    String directoryProblem(PgWardenException e) {
        if (!Files.isDirectory(dir)) {
            return "Migrations directory " + dir + " does not exist or is not a directory (removed while the"
                    + " agent runs?); the agent applies it as soon as it is back.";
        }
        return e.getMessage() + System.lineSeparator()
                + "Fix or remove these files: the agent applies the directory as soon as it changes.";
    }

    /** A run's outcome: each chain's state from the history, with the failure of the apply run (if any). */
    void publish(List<MigrationStatus> status, ApplyResult result, Duration took) {
        Map<String, String> failures = new HashMap<>();
        if (result != null) {
            for (MigrationFailure f : result.failures()) {
                failures.putIfAbsent(MigrationChain.displayName(f.group()), f.message(true));
            }
        }
        for (MigrationStatus s : status) {
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
        board.retain(status.stream().map(MigrationStatus::group).toList());
    }

    /** The run failed as a whole (server away, lock timeout, validation): every chain shows why. */
    void publishError(PgWardenException e, Duration took) {
        boolean away = !serverAnswers.getAsBoolean();
        ChainState state = away ? ChainState.WAITING : ChainState.FAILED;
        board.chains().forEach(c -> board.update(new MigrationChainStatus(c.chain(), state, c.applied(), c.pending(),
                c.failed(), e.getMessage(), took, clock.now())));
    }

    /** Every chain (the root chain when none is known yet) fails with {@code problem}: nothing can be applied. */
    void publishDirectoryProblem(String problem) {
        List<MigrationChainStatus> chains = board.chains();
        if (chains.isEmpty()) {
            board.update(new MigrationChainStatus(MigrationChain.displayName(""), ChainState.FAILED, 0, 0, 0, problem,
                    null, clock.now()));
        }
        chains.forEach(c -> board.update(new MigrationChainStatus(c.chain(), ChainState.FAILED, c.applied(), c.pending(),
                c.failed(), problem, c.lastDuration(), clock.now())));
    }

    /** True when every chain on the board is applied. */
    boolean upToDate() {
        return board.chains().stream().allMatch(MigrationChainStatus::upToDate);
    }

    /** The chains now on the board, for a cycle's reason. */
    List<MigrationChainStatus> chains() {
        return board.chains();
    }
}

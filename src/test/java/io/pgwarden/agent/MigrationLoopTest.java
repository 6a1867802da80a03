package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.health.ChainState;
import io.pgwarden.health.LoopHeartbeat;
import io.pgwarden.health.LoopRegistry;
import io.pgwarden.health.MigrationChainStatus;
import io.pgwarden.health.MigrationStatusBoard;
import io.pgwarden.migrate.ApplyResult;
import io.pgwarden.migrate.MigrationStatus;
import io.pgwarden.testing.SteppingClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migrations loop and its translation to health entries, on the test clock with scripted runs (no server):
 * when it runs, when it retries, and what /readiness's board shows.
 */
class MigrationLoopTest {
    private static final MigrationRetry RETRY = new MigrationRetry(Duration.ofSeconds(5), Duration.ofSeconds(20),
            Duration.ofSeconds(30));

    @TempDir
    Path dir;

    private final SteppingClock clock = new SteppingClock();
    private final MigrationStatusBoard board = new MigrationStatusBoard();
    private final Deque<Supplier<ApplyResult>> applies = new ArrayDeque<>();
    private final Deque<Supplier<List<MigrationStatus>>> statuses = new ArrayDeque<>();
    private boolean serverAnswers = true;
    private boolean writable = true;
    private int applyCalls;

    private MigrationLoop loop() throws Exception {
        Files.writeString(dir.resolve("V1__one.sql"), "SELECT 1;\n");
        Files.writeString(dir.resolve("V2__two.sql"), "SELECT 2;\n");
        MigrationBoard translation = new MigrationBoard(dir, board, () -> serverAnswers, clock);
        return new MigrationLoop("app@db/shop", Duration.ofSeconds(10), translation, new MigrationLoop.Runs() {
            @Override
            public ApplyResult apply() {
                applyCalls++;
                return applies.pop().get();
            }

            @Override
            public List<MigrationStatus> status() {
                return statuses.pop().get();
            }
        }, () -> writable, clock, RETRY);
    }

    private static List<MigrationStatus> applied(long n) {
        return List.of(new MigrationStatus("(root)", n, 0, 0, String.valueOf(n), null, null, 0));
    }

    private static ApplyResult nothing() {
        return new ApplyResult(List.of(), 2, false);
    }

    @Test
    void chainsShowAsWaitingAtOnceAndNothingRunsUntilTriggered() throws Exception {
        MigrationLoop loop = loop();

        assertThat(board.chains()).extracting(MigrationChainStatus::chain, MigrationChainStatus::state, MigrationChainStatus::pending)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("(root)", ChainState.WAITING, 2));
        MigrationLoop.Run idle = loop.cycle();
        assertThat(applyCalls).isZero();
        assertThat(idle.reason()).isEqualTo("waiting for the server to accept connections");
        assertThat(idle.next()).isEqualTo(MigrationLoop.UNTIL_TRIGGERED);

        loop.trigger();
        applies.add(MigrationLoopTest::nothing);
        statuses.add(() -> applied(2));
        MigrationLoop.Run run = loop.cycle();

        assertThat(applyCalls).isEqualTo(1);
        assertThat(run.reason()).isEqualTo("every migration chain is applied (1 chain)");
        assertThat(run.outcome()).isEqualTo(MigrationRetry.Outcome.UP_TO_DATE);
        assertThat(board.chains()).extracting(MigrationChainStatus::state).containsExactly(ChainState.APPLIED);
        assertThat(loop.cycle().reason()).as("not triggered again: the same reason, no run").isEqualTo(run.reason());
        assertThat(applyCalls).isEqualTo(1);
    }

    @Test
    void aFailureOutsideTheFilesIsRetriedWithABackoffOnTheClockAndShownOnTheBoard() throws Exception {
        MigrationLoop loop = loop();
        loop.trigger();
        for (int i = 0; i < 3; i++) {
            applies.add(() -> {
                throw new PgWardenException(ErrorCode.LOCK_TIMEOUT, "another runner holds the migration lock");
            });
        }
        applies.add(MigrationLoopTest::nothing);
        statuses.add(() -> applied(2));

        MigrationLoop.Run first = loop.cycle();
        assertThat(first.level()).isEqualTo(CycleResult.Level.ERROR);
        assertThat(first.failed()).as("counted in the loop's error metric").isTrue();
        assertThat(first.reason()).isEqualTo("another runner holds the migration lock (retrying with a growing backoff,"
                + " at most every 20s)");
        assertThat(first.next()).isEqualTo(Duration.ofSeconds(5));
        assertThat(board.chains()).extracting(MigrationChainStatus::state, MigrationChainStatus::error)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ChainState.FAILED,
                        "another runner holds the migration lock"));

        clock.advance(Duration.ofSeconds(4));
        MigrationLoop.Run notDue = loop.cycle();
        assertThat(notDue.next()).as("not due yet: the rest of the backoff").isEqualTo(Duration.ofSeconds(1));
        assertThat(notDue.failed()).as("a cycle that ran nothing is not another error").isFalse();
        assertThat(notDue.reason()).isEqualTo(first.reason());
        assertThat(applyCalls).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(loop.cycle().next()).isEqualTo(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(10));
        assertThat(loop.cycle().next()).isEqualTo(Duration.ofSeconds(20));
        clock.advance(Duration.ofSeconds(20));
        MigrationLoop.Run recovered = loop.cycle();

        assertThat(applyCalls).isEqualTo(4);
        assertThat(recovered.reason()).isEqualTo("every migration chain is applied (1 chain)");
        assertThat(board.chains()).extracting(MigrationChainStatus::state).containsExactly(ChainState.APPLIED);
    }

    @Test
    void aServerThatWentAwayShowsAsWaitingNotFailed() throws Exception {
        MigrationLoop loop = loop();
        serverAnswers = false;
        loop.trigger();
        applies.add(() -> {
            throw new PgWardenException(ErrorCode.FAILED, "connection refused");
        });

        loop.cycle();

        assertThat(board.chains()).extracting(MigrationChainStatus::state).containsExactly(ChainState.WAITING);
    }

    @Test
    void aReplicaOnlyReadsTheHistory() throws Exception {
        MigrationLoop loop = loop();
        writable = false;
        loop.trigger();
        statuses.add(() -> List.of(new MigrationStatus("(root)", 1, 1, 0, "1", null, null, 0)));

        MigrationLoop.Run run = loop.cycle();

        assertThat(applyCalls).isZero();
        assertThat(run.outcome()).isEqualTo(MigrationRetry.Outcome.CHECK_AGAIN);
        assertThat(run.next()).as("re-checked while the primary applies").isEqualTo(Duration.ofSeconds(30));
        assertThat(board.chains()).extracting(MigrationChainStatus::state, MigrationChainStatus::applied)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ChainState.WAITING, 1));
    }

    @Test
    void aDirectoryThatCannotBeUsedFailsEveryChainWithTheReasonAndIsReCheckedWhenItChanges() throws Exception {
        MigrationLoop loop = loop();
        Files.writeString(dir.resolve("V2__duplicate.sql"), "SELECT 2;\n");

        loop.directoryChanged();

        assertThat(board.chains()).extracting(MigrationChainStatus::state).containsExactly(ChainState.FAILED);
        assertThat(board.chains().get(0).error()).contains("Fix or remove these files");
        Files.delete(dir.resolve("V2__duplicate.sql"));
        applies.add(MigrationLoopTest::nothing);
        statuses.add(() -> applied(2));
        loop.directoryChanged();
        assertThat(loop.cycle().outcome()).isEqualTo(MigrationRetry.Outcome.UP_TO_DATE);
        assertThat(board.chains()).extracting(MigrationChainStatus::state).containsExactly(ChainState.APPLIED);
    }

    @Test
    void aBugInARunIsShownAndRetriedNotLeftApplying() throws Exception {
        MigrationLoop loop = loop();
        loop.trigger();
        applies.add(() -> {
            throw new IllegalStateException("unexpected");
        });

        MigrationLoop.Run run = loop.cycle();

        assertThat(run.outcome()).isEqualTo(MigrationRetry.Outcome.RETRY);
        assertThat(board.chains().get(0).state()).isEqualTo(ChainState.FAILED);
        assertThat(board.chains().get(0).error()).startsWith("migrations failed unexpectedly: java.lang.IllegalStateException");
    }

    @Test
    void onTheRunnerATriggerWakesTheDayLongWait() throws Exception {
        MigrationLoop loop = loop();
        StopSignal stop = StopSignal.manual();
        LoopHeartbeat beat = new LoopRegistry(clock, new SimpleMeterRegistry()).register(loop.name(), loop.maxSilence());
        applies.add(() -> {
            stop.request("test over");
            return nothing();
        });
        statuses.add(() -> applied(2));
        loop.trigger();

        new LoopRunner(loop, beat, clock, stop).run();

        assertThat(applyCalls).isEqualTo(1);
        assertThat(beat.status().reason()).isEqualTo("every migration chain is applied (1 chain)");
        assertThat(clock.sleeps()).as("the trigger came before the first cycle: no wait").isEmpty();
    }
}

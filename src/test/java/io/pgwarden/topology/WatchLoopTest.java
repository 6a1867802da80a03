package io.pgwarden.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.Lsn;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.testing.SteppingClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The loop on a fake clock with scripted snapshots and a recording publisher: no servers, no sleeping. */
class WatchLoopTest {
    private static final NodeAddress A = new NodeAddress("10.0.0.1", 5432);
    private static final NodeAddress B = new NodeAddress("10.0.0.2", 5432);

    private final SteppingClock clock = new SteppingClock();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final Deque<Supplier<ClusterSnapshot>> script = new ArrayDeque<>();
    private final ReconcileCommand command = new ReconcileCommand(() -> script.pop().get(),
            new TopologyDecider(LagLimit.NONE), List.of(publisher), clock);
    private final WatchLoop loop = new WatchLoop(command, Duration.ofSeconds(1), clock);

    private static ClusterSnapshot primaryIs(NodeAddress primary, NodeAddress other) {
        return ClusterSnapshot.of(Instant.EPOCH, Duration.ZERO, List.of(
                NodeState.primary(primary, 1, "1", Lsn.parse("0/1000"), 0, Duration.ZERO),
                NodeState.unreachable(other, "connection refused", Duration.ZERO)));
    }

    private void cycle() {
        loop.runCycle(clock.nanoTime());
        clock.advance(Duration.ofSeconds(1));
    }

    @Test
    void publishesOnChangeSkipsUnchangedCyclesAndResyncsEvery30Seconds() {
        for (int i = 0; i < 3; i++) {
            script.add(() -> primaryIs(A, B));
        }
        script.add(() -> primaryIs(B, A));

        cycle();
        cycle();
        cycle();
        cycle();

        assertThat(publisher.published).extracting(DesiredEndpoints::primary).containsExactly(A, B);
        assertThat(loop.lastResult()).hasValueSatisfying(r -> assertThat(r.decision().outcome()).isEqualTo(TopologyOutcome.PUBLISH));

        clock.advance(WatchLoop.RESYNC);
        script.add(() -> primaryIs(B, A));
        cycle();
        assertThat(publisher.published).extracting(DesiredEndpoints::primary).containsExactly(A, B, B);
        assertThat(loop.cycles()).isEqualTo(5);
    }

    @Test
    void aFailedPublishIsRetriedNextCycleAndAThrowingCycleIsCaughtAndCounted() {
        script.add(() -> primaryIs(A, B));
        script.add(() -> primaryIs(A, B));
        script.add(() -> {
            throw new IllegalStateException("probe pool exploded");
        });
        script.add(() -> primaryIs(A, B));
        publisher.failNext = true;

        cycle();
        assertThat(loop.lastResult()).hasValueSatisfying(r -> assertThat(r.exitCode()).isEqualTo(4));
        cycle();
        assertThat(publisher.published).extracting(DesiredEndpoints::primary).containsExactly(A);
        cycle();
        assertThat(loop.failedCycles()).isEqualTo(1);
        assertThat(loop.lastError()).isEqualTo("IllegalStateException: probe pool exploded");
        assertThat(loop.lastResult()).isEmpty();
        cycle();
        assertThat(loop.lastResult()).hasValueSatisfying(r -> assertThat(r.decision().outcome()).isEqualTo(TopologyOutcome.UNCHANGED));
        assertThat(loop.cycles()).isEqualTo(4);
    }

    static final class RecordingPublisher implements EndpointPublisher {
        final List<DesiredEndpoints> published = new ArrayList<>();
        boolean failNext;

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public PublishResult publish(DesiredEndpoints endpoints, Instant now) {
            if (failNext) {
                failNext = false;
                throw new PgWardenException(io.pgwarden.core.ErrorCode.PUBLISH_FAILED, "injected failure");
            }
            published.add(endpoints);
            return PublishResult.CHANGED;
        }

        @Override
        public void recordSplitBrain(List<NodeAddress> primaries, String reason, Instant now) {
        }
    }
}

package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.Lsn;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.health.LoopRegistry;
import io.pgwarden.testing.SteppingClock;
import io.pgwarden.topology.ClusterSnapshot;
import io.pgwarden.topology.DesiredEndpoints;
import io.pgwarden.topology.EndpointPublisher;
import io.pgwarden.topology.LagLimit;
import io.pgwarden.topology.NodeAddress;
import io.pgwarden.topology.NodeState;
import io.pgwarden.topology.PublishResult;
import io.pgwarden.topology.ReconcileCommand;
import io.pgwarden.topology.TopologyDecider;
import io.pgwarden.topology.WatchLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@code endpoints watch} as an agent loop: its reasons and levels on the test clock, and how a stop ends it. */
class EndpointsLoopTest {
    private static final NodeAddress A = new NodeAddress("10.0.0.1", 5432);
    private static final NodeAddress B = new NodeAddress("10.0.0.2", 5432);

    private final Recording publisher = new Recording();

    private static ClusterSnapshot primaryIs(NodeAddress primary, NodeAddress other) {
        return ClusterSnapshot.of(Instant.EPOCH, Duration.ZERO, List.of(
                NodeState.primary(primary, 1, "1", Lsn.parse("0/1000"), 0, Duration.ZERO),
                NodeState.unreachable(other, "connection refused", Duration.ZERO)));
    }

    private static ClusterSnapshot noPrimary() {
        return ClusterSnapshot.of(Instant.EPOCH, Duration.ZERO, List.of(
                NodeState.unreachable(A, "connection refused", Duration.ZERO),
                NodeState.unreachable(B, "connection refused", Duration.ZERO)));
    }

    private static Agent agentOf(EndpointsLoop loop, Clock clock) {
        return new Agent(new LoopRegistry(clock, new SimpleMeterRegistry()), clock).add(loop);
    }

    private static Thread start(Agent agent, StopSignal stop) {
        Thread worker = new Thread(() -> {
            try {
                agent.run(stop);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "watch-under-test");
        worker.start();
        return worker;
    }

    @Test
    void eachCycleSaysWhyAtTheLevelItDeservesAndWaitsTheRestOfTheInterval() {
        SteppingClock clock = new SteppingClock();
        Deque<Supplier<ClusterSnapshot>> script = new ArrayDeque<>(List.of(() -> primaryIs(A, B), () -> primaryIs(A, B),
                EndpointsLoopTest::noPrimary, () -> {
                    throw new IllegalStateException("probe pool exploded");
                }));
        ReconcileCommand command = new ReconcileCommand(() -> script.pop().get(), new TopologyDecider(LagLimit.NONE),
                List.of(publisher), clock);
        EndpointsLoop loop = new EndpointsLoop(new WatchLoop(command, Duration.ofSeconds(1), clock), Duration.ofSeconds(2),
                clock);

        EndpointsLoop.Cycle published = loop.cycle();
        assertThat(published.level()).isEqualTo(CycleResult.Level.INFO);
        assertThat(published.changed()).isTrue();
        assertThat(published.message()).startsWith("endpoints watch: changed: primary 10.0.0.1:5432");
        assertThat(published.next()).isEqualTo(Duration.ofSeconds(1));
        EndpointsLoop.Cycle same = loop.cycle();
        assertThat(same.reason()).as("the same reason without the changed/unchanged prefix").isEqualTo(published.reason());
        assertThat(same.changed()).isFalse();
        EndpointsLoop.Cycle none = loop.cycle();
        assertThat(none.level()).isEqualTo(CycleResult.Level.WARN);
        EndpointsLoop.Cycle failed = loop.cycle();
        assertThat(failed.failed()).isTrue();
        assertThat(failed.level()).isEqualTo(CycleResult.Level.ERROR);
        assertThat(failed.reason()).isEqualTo("cycle failed: IllegalStateException: probe pool exploded");
        assertThat(loop.maxSilence()).as("three intervals plus the probe timeout").isEqualTo(Duration.ofSeconds(5));
        assertThat(publisher.published).extracting(DesiredEndpoints::primary).containsExactly(A);
    }

    @Test
    void stopLetsTheRunningCycleFinishAndPublishWithoutInterruptingIt() throws Exception {
        CountDownLatch inCycle = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        ReconcileCommand blocking = new ReconcileCommand(() -> {
            inCycle.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            return primaryIs(A, B);
        }, new TopologyDecider(LagLimit.NONE), List.of(publisher), Clock.SYSTEM);
        // an hour between cycles, on the real clock: only the stop can end the wait
        WatchLoop watch = new WatchLoop(blocking, Duration.ofHours(1), Clock.SYSTEM);
        StopSignal stop = StopSignal.manual();
        Thread worker = start(agentOf(new EndpointsLoop(watch, Duration.ofSeconds(1), Clock.SYSTEM), Clock.SYSTEM), stop);
        assertThat(inCycle.await(60, TimeUnit.SECONDS)).isTrue();

        stop.request("test");
        release.countDown();
        worker.join(60_000);

        assertThat(worker.isAlive()).as("ended after the cycle instead of waiting an hour").isFalse();
        assertThat(interrupted).as("the running cycle was interrupted").isFalse();
        assertThat(publisher.published).extracting(DesiredEndpoints::primary).containsExactly(A);
        assertThat(watch.cycles()).isEqualTo(1);
    }

    @Test
    void stopWhileWaitingForTheNextCycleEndsTheWaitAtOnce() throws Exception {
        CountDownLatch cycled = new CountDownLatch(1);
        ReconcileCommand once = new ReconcileCommand(() -> {
            cycled.countDown();
            return primaryIs(A, B);
        }, new TopologyDecider(LagLimit.NONE), List.of(publisher), Clock.SYSTEM);
        WatchLoop watch = new WatchLoop(once, Duration.ofHours(1), Clock.SYSTEM);
        StopSignal stop = StopSignal.manual();
        Thread worker = start(agentOf(new EndpointsLoop(watch, Duration.ofSeconds(1), Clock.SYSTEM), Clock.SYSTEM), stop);
        assertThat(cycled.await(60, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.getState() == Thread.State.WAITING);

        stop.request("test");
        worker.join(60_000);

        assertThat(worker.isAlive()).as("still waiting for the next cycle").isFalse();
        assertThat(watch.cycles()).isEqualTo(1);
    }

    private static final class Recording implements EndpointPublisher {
        final List<DesiredEndpoints> published = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public PublishResult publish(DesiredEndpoints endpoints, Instant now) {
            if (endpoints.primary() == null) {
                throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "no primary to publish");
            }
            published.add(endpoints);
            return PublishResult.CHANGED;
        }

        @Override
        public void recordSplitBrain(List<NodeAddress> primaries, String reason, Instant now) {
        }
    }
}

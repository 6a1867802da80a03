package io.pgwarden.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.Lsn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyDeciderTest {
    private static final NodeAddress A = new NodeAddress("10.0.0.1", 5432);
    private static final NodeAddress B = new NodeAddress("10.0.0.2", 5432);
    private static final NodeAddress C = new NodeAddress("10.0.0.3", 5433);
    private static final String SYSID = "7300000000000000001";
    private static final Duration MS = Duration.ofMillis(3);

    private static NodeState primary(NodeAddress a, int timeline, String lsn) {
        return NodeState.primary(a, timeline, SYSID, Lsn.parse(lsn), 2, MS);
    }

    private static NodeState replica(NodeAddress a, NodeAddress upstream, String status, String replay) {
        return NodeState.replica(a, 1, SYSID, Lsn.parse(replay), Lsn.parse(replay), Duration.ZERO, false,
                new WalReceiver(status, upstream.host(), upstream.port(), 1), MS);
    }

    private static ClusterSnapshot snapshot(NodeState... nodes) {
        return ClusterSnapshot.of(Instant.parse("2026-11-23T21:00:00Z"), MS, List.of(nodes));
    }

    private final TopologyDecider decider = new TopologyDecider(LagLimit.NONE);

    @Test
    void onePrimaryGetsReadWriteAndItsStreamingReplicasReadOnly() {
        TopologyDecision d = decider.decide(snapshot(primary(A, 1, "0/3000000"), replica(B, A, "streaming", "0/3000000"),
                replica(C, A, "streaming", "0/3000000")), null);

        assertThat(d.outcome()).isEqualTo(TopologyOutcome.PUBLISH);
        assertThat(d.endpoints()).isEqualTo(new DesiredEndpoints(A, List.of(B, C), List.of()));
        assertThat(d.reason()).isEqualTo("primary 10.0.0.1:5432 (timeline 1); read-only [10.0.0.2:5432, 10.0.0.3:5433]");
    }

    @Test
    void sameEndpointsAsLastPublishedIsUnchanged() {
        ClusterSnapshot s = snapshot(primary(A, 1, "0/3000000"), replica(B, A, "streaming", "0/3000000"));
        DesiredEndpoints last = decider.decide(s, null).endpoints();

        TopologyDecision d = decider.decide(s, last);

        assertThat(d.outcome()).isEqualTo(TopologyOutcome.UNCHANGED);
        assertThat(d.reason()).startsWith("unchanged: primary 10.0.0.1:5432");
    }

    @Test
    void noPrimaryChangesNothing() {
        TopologyDecision d = decider.decide(snapshot(NodeState.unreachable(A, "connection refused", MS),
                replica(B, A, "waiting", "0/3000000")), null);

        assertThat(d.outcome()).isEqualTo(TopologyOutcome.NO_PRIMARY);
        assertThat(d.endpoints()).isNull();
        assertThat(d.reason()).isEqualTo("no reachable primary among 2 nodes (10.0.0.1:5432 down (connection refused); "
                + "10.0.0.2:5432 replica (timeline 1, replay 0/3000000, waiting from 10.0.0.1:5432)); "
                + "endpoints were left unchanged");
    }

    @Test
    void twoPrimariesAreSplitBrain() {
        TopologyDecision d = decider.decide(snapshot(primary(A, 1, "0/3000000"), primary(B, 2, "0/3000100")), null);

        assertThat(d.outcome()).isEqualTo(TopologyOutcome.SPLIT_BRAIN);
        assertThat(d.primaries()).containsExactly(A, B);
        assertThat(d.reason()).isEqualTo("split brain: 2 primaries (10.0.0.1:5432 primary (timeline 1, 0/3000000, 2 streaming); "
                + "10.0.0.2:5432 primary (timeline 2, 0/3000100, 2 streaming)); endpoints were left unchanged. "
                + "Stop or demote all but one primary");
    }

    @Test
    void replicasNotStreamingFromThePrimaryAreLeftOut() {
        NodeState noReceiver = NodeState.replica(C, 1, SYSID, null, Lsn.parse("0/3000000"), Duration.ZERO, false, null, MS);
        TopologyDecision d = decider.decide(snapshot(primary(B, 2, "0/4000000"), replica(A, C, "streaming", "0/3000000"),
                noReceiver), null);

        assertThat(d.endpoints().replicas()).isEmpty();
        assertThat(d.leftOut()).containsExactly("10.0.0.1:5432 (streams from 10.0.0.3:5433, not from the primary)",
                "10.0.0.3:5433 (no WAL receiver running)");
    }

    @Test
    void aSenderOutsideTheNodeListCountsWhenSystemAndTimelineMatch() {
        NodeAddress service = new NodeAddress("pg-rw.db.svc", 5432);
        NodeState viaService = replica(B, service, "streaming", "0/3000000");
        NodeState otherTimeline = NodeState.replica(C, 3, SYSID, Lsn.parse("0/3000000"), Lsn.parse("0/3000000"),
                Duration.ZERO, false, new WalReceiver("streaming", "pg-rw.db.svc", 5432, 3), MS);

        TopologyDecision d = decider.decide(snapshot(primary(A, 1, "0/3000000"), viaService, otherTimeline), null);

        assertThat(d.endpoints().replicas()).containsExactly(B);
        assertThat(d.leftOut()).containsExactly(
                "10.0.0.3:5433 (streams from pg-rw.db.svc:5432 on timeline 3, the primary is on timeline 1)");
    }

    @Test
    void maxLagInBytesLeavesOutAReplicaTooFarBehind() {
        TopologyDecider limited = new TopologyDecider(LagLimit.parse("1MB"));
        TopologyDecision d = limited.decide(snapshot(primary(A, 1, "0/3200000"), replica(B, A, "streaming", "0/3000000"),
                replica(C, A, "streaming", "0/3200000")), null);

        assertThat(d.endpoints().replicas()).containsExactly(C);
        assertThat(d.leftOut()).containsExactly("10.0.0.2:5432 (replay lag 2097152 bytes > --max-lag 1048576 bytes)");
    }

    @Test
    void maxLagInTimeLeavesOutAReplicaWhoseReplayIsOld() {
        NodeState slow = NodeState.replica(B, 1, SYSID, Lsn.parse("0/3000100"), Lsn.parse("0/3000000"),
                Duration.ofSeconds(45), true, new WalReceiver("streaming", A.host(), A.port(), 1), MS);
        TopologyDecision d = new TopologyDecider(LagLimit.parse("30s")).decide(snapshot(primary(A, 1, "0/3000100"), slow), null);

        assertThat(d.endpoints().replicas()).isEmpty();
        assertThat(d.leftOut()).containsExactly("10.0.0.2:5432 (replay lag 45s > --max-lag 30s)");
    }

    @Test
    void signatureCoversRoutingOnly() {
        DesiredEndpoints one = new DesiredEndpoints(A, List.of(C, B), List.of());
        DesiredEndpoints same = new DesiredEndpoints(A, List.of(B, C), List.of(new NodeAddress("10.0.0.9", 5432)));
        DesiredEndpoints other = new DesiredEndpoints(B, List.of(A, C), List.of());

        assertThat(one.signature()).hasSize(16).isEqualTo(same.signature()).isNotEqualTo(other.signature());
    }
}

package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.Lsn;
import io.pgwarden.instance.ReplicationDetails;
import io.pgwarden.topology.NodeAddress;
import io.pgwarden.topology.NodeState;
import io.pgwarden.topology.WalReceiver;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code pgwarden status} prints for a replica, a primary and an unreachable node. */
class NodeReportTest {
    private static final NodeAddress B = new NodeAddress("127.0.0.1", 5434);

    @Test
    void aReplicaShowsLsnsLagUpstreamAndSlot() {
        NodeState state = NodeState.replica(B, 2, "7", Lsn.parse("0/3000148"), Lsn.parse("0/3000100"),
                Duration.ofMillis(1500), false, new WalReceiver("streaming", "127.0.0.1", 5433, 2), Duration.ofMillis(3));
        NodeReport status = new NodeReport(state, 72L, new ReplicationDetails("node_b", List.of()));
        assertThat(status.table()).containsExactly(
                "node             127.0.0.1:5434",
                "role             replica",
                "timeline         2",
                "receive lsn      0/3000148",
                "replay lsn       0/3000100",
                "lag bytes        72",
                "lag seconds      1.5",
                "upstream         127.0.0.1:5433",
                "upstream status  streaming",
                "slot             node_b");
        assertThat(status.fields()).containsEntry("current_lsn", null).containsEntry("replay_paused", false);
    }

    @Test
    void aPrimaryListsItsReplicasAndAnUnreachableNodeItsError() {
        NodeState primary = NodeState.primary(new NodeAddress("127.0.0.1", 5433), 1, "7", Lsn.parse("0/5000000"), 1,
                Duration.ofMillis(2));
        ReplicationDetails details = new ReplicationDetails(null, List.of(
                new ReplicationDetails.Downstream("node-b", "127.0.0.1", "streaming", "node_b", 0, null),
                new ReplicationDetails.Downstream("node-c", null, "catchup", null, 4096, Duration.ofMillis(250))));
        assertThat(new NodeReport(primary, null, details).table()).containsExactly(
                "node             127.0.0.1:5433",
                "role             primary",
                "timeline         1",
                "current lsn      0/5000000",
                "replicas         2",
                "  node-b         127.0.0.1, streaming, slot node_b, lag 0 bytes",
                "  node-c         -, catchup, slot -, lag 4096 bytes, 0.25 s");

        NodeState down = NodeState.unreachable(B, "connection refused", Duration.ofMillis(5));
        assertThat(new NodeReport(down, null, null).table()).containsExactly(
                "node             127.0.0.1:5434", "role             unknown", "error            connection refused");
    }
}

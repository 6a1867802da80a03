package io.pgwarden.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgwarden.core.Lsn;
import io.pgwarden.topology.ClusterSnapshot;
import io.pgwarden.topology.LagLimit;
import io.pgwarden.topology.NodeAddress;
import io.pgwarden.topology.NodeState;
import io.pgwarden.topology.PublishResult;
import io.pgwarden.topology.PublisherOutcome;
import io.pgwarden.topology.ReconcileResult;
import io.pgwarden.topology.TopologyDecider;
import io.pgwarden.topology.TopologyStatus;
import io.pgwarden.topology.WalReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status code and JSON of /topology for each kind of watch state, decided by the real {@link TopologyDecider}. */
class TopologyEndpointTest {
    private static final NodeAddress A = new NodeAddress("10.0.0.1", 5432);
    private static final NodeAddress B = new NodeAddress("10.0.0.2", 5432);
    private static final NodeAddress C = new NodeAddress("10.0.0.3", 5433);
    private static final Duration MS = Duration.ofMillis(1);
    private static final Instant AT = Instant.parse("2026-11-23T22:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Status(Optional<ReconcileResult> lastResult, Instant lastCycleAt, long cycles, long failedCycles,
            String lastError) implements TopologyStatus {
    }

    private static ReconcileResult decide(List<PublisherOutcome> publishers, NodeState... nodes) {
        ClusterSnapshot snapshot = ClusterSnapshot.of(AT, MS, List.of(nodes));
        return new ReconcileResult(new TopologyDecider(LagLimit.NONE).decide(snapshot, null), publishers);
    }

    private static NodeState primary(NodeAddress a) {
        return NodeState.primary(a, 1, "7000", Lsn.parse("0/3000000"), 1, MS);
    }

    private static JsonNode json(Route.Response r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void publishedDecisionIs200WithTheRouting() throws Exception {
        NodeState replica = NodeState.replica(B, 1, "7000", Lsn.parse("0/3000000"), Lsn.parse("0/3000000"),
                Duration.ZERO, false, new WalReceiver("streaming", A.host(), A.port(), 1), MS);
        ReconcileResult result = decide(List.of(new PublisherOutcome("file /x.json", PublishResult.CHANGED, null)),
                primary(A), replica, NodeState.unreachable(C, "connection refused", MS));
        Route.Response r = TopologyEndpoint.render(new Status(Optional.of(result), AT, 3, 0, null));

        assertThat(r.status()).isEqualTo(200);
        JsonNode j = json(r);
        assertThat(j.get("status").asText()).isEqualTo("pass");
        assertThat(j.get("outcome").asText()).isEqualTo("PUBLISH");
        assertThat(j.get("reason").asText()).isEqualTo(result.decision().reason());
        assertThat(j.get("primary").asText()).isEqualTo("10.0.0.1:5432");
        assertThat(j.get("replicas").toString()).isEqualTo("[\"10.0.0.2:5432\"]");
        assertThat(j.get("down").toString()).isEqualTo("[\"10.0.0.3:5433\"]");
        assertThat(j.get("splitBrain").asBoolean()).isFalse();
        assertThat(j.get("signature").asText()).isEqualTo(result.decision().endpoints().signature());
        assertThat(j.get("publishers").get(0).get("publisher").asText()).isEqualTo("file /x.json");
        assertThat(j.get("publishers").get(0).get("result").asText()).isEqualTo("CHANGED");
        assertThat(j.get("publishers").get(0).get("error").isNull()).isTrue();
        assertThat(j.get("lastCycleAt").asText()).isEqualTo("2026-11-23T22:00:00Z");
        assertThat(j.get("cycles").asLong()).isEqualTo(3);
        assertThat(j.get("failedCycles").asLong()).isZero();
        assertThat(j.get("lastError").isNull()).isTrue();
    }

    @Test
    void splitBrainIs503AndNamesBothPrimaries() throws Exception {
        ReconcileResult result = decide(List.of(), primary(A), primary(B));
        Route.Response r = TopologyEndpoint.render(new Status(Optional.of(result), AT, 1, 0, null));

        assertThat(r.status()).isEqualTo(503);
        JsonNode j = json(r);
        assertThat(j.get("outcome").asText()).isEqualTo("SPLIT_BRAIN");
        assertThat(j.get("splitBrain").asBoolean()).isTrue();
        assertThat(j.get("primary").isNull()).isTrue();
        assertThat(j.get("primaries").toString()).isEqualTo("[\"10.0.0.1:5432\",\"10.0.0.2:5432\"]");
        assertThat(j.get("message").asText()).startsWith("split brain: ");
    }

    @Test
    void noPrimaryIs503AndListsTheDownNodes() throws Exception {
        ReconcileResult result = decide(List.of(), NodeState.unreachable(A, "connection refused", MS));
        Route.Response r = TopologyEndpoint.render(new Status(Optional.of(result), AT, 1, 0, null));

        assertThat(r.status()).isEqualTo(503);
        JsonNode j = json(r);
        assertThat(j.get("outcome").asText()).isEqualTo("NO_PRIMARY");
        assertThat(j.get("down").toString()).isEqualTo("[\"10.0.0.1:5432\"]");
        assertThat(j.get("signature").isNull()).isTrue();
    }

    @Test
    void failedPublisherIs503() throws Exception {
        ReconcileResult result = decide(List.of(new PublisherOutcome("pgbouncer", null, "connection refused")),
                primary(A));
        Route.Response r = TopologyEndpoint.render(new Status(Optional.of(result), AT, 1, 0, null));

        assertThat(r.status()).isEqualTo(503);
        assertThat(json(r).get("message").asText()).endsWith("; publisher pgbouncer failed: connection refused");
        assertThat(json(r).get("publishers").get(0).get("result").isNull()).isTrue();
    }

    @Test
    void beforeTheFirstCycleIs503() throws Exception {
        Route.Response r = TopologyEndpoint.render(new Status(Optional.empty(), null, 0, 0, null));

        assertThat(r.status()).isEqualTo(503);
        JsonNode j = json(r);
        assertThat(j.get("message").asText()).isEqualTo("no decision yet: the first cycle has not finished");
        assertThat(j.get("outcome").isNull()).isTrue();
        assertThat(j.get("lastCycleAt").isNull()).isTrue();
    }

    @Test
    void failedCycleIs503WithTheError() throws Exception {
        Route.Response r = TopologyEndpoint.render(new Status(Optional.empty(), AT, 5, 2, "IllegalStateException: boom"));

        assertThat(r.status()).isEqualTo(503);
        JsonNode j = json(r);
        assertThat(j.get("message").asText()).isEqualTo("the last cycle failed: IllegalStateException: boom");
        assertThat(j.get("failedCycles").asLong()).isEqualTo(2);
        assertThat(j.get("lastError").asText()).isEqualTo("IllegalStateException: boom");
    }
}

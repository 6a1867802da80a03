package io.pgwarden.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgwarden.core.Clock;
import io.pgwarden.testing.TestCluster;
import io.pgwarden.testing.TestKubernetes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End-to-end scenarios on a real cluster (a primary and two streaming replicas on free, non-default ports), each
 * reconciled through the file publisher and the Kubernetes publisher (fabric8 mock server, CRUD mode) at once.
 * The cluster is reset to "node 0 primary, two streaming replicas" before each scenario; the order only keeps the
 * destructive ones (which re-clone replicas) last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndpointsScenarioIT {
    /** Probes on loopback answer in milliseconds; 10 s only matters on a badly overloaded CI machine. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestCluster cluster;
    private static TestKubernetes k8s;
    private static Path dir;
    private static Path file;
    private static ClusterProbe probe;

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = TestCluster.start(2);
        k8s = TestKubernetes.start();
        k8s.createService("pg-rw");
        k8s.createService("pg-ro");
        dir = Files.createTempDirectory("pgwarden-endpoints-it-");
        file = dir.resolve("topology.json");
        probe = new ClusterProbe(NodeAddress.parseList(cluster.nodeList(), 5432),
                new JdbcNodeProbe(cluster.spec(), Clock.SYSTEM), PROBE_TIMEOUT, Clock.SYSTEM);
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (probe != null) {
            probe.close();
        }
        if (k8s != null) {
            k8s.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (file != null) {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    @BeforeEach
    void resetCluster() {
        cluster.reset();
    }

    private static ReconcileResult reconcile(LagLimit lag) {
        List<EndpointPublisher> publishers = List.of(new FileEndpointPublisher(file),
                new KubernetesEndpointPublisher(k8s.client(), TestKubernetes.NAMESPACE, "pg-rw", "pg-ro"));
        return new ReconcileCommand(probe::snapshot, new TopologyDecider(lag), publishers, Clock.SYSTEM).execute();
    }

    private static ReconcileResult reconcile() {
        return reconcile(LagLimit.NONE);
    }

    private static JsonNode fileJson() throws IOException {
        return JSON.readTree(file.toFile());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String addr(int node) {
        return cluster.node(node).address();
    }

    private static List<String> sorted(String... a) {
        return List.of(a).stream().sorted().toList();
    }

    @Test
    @Order(1)
    void healthyClusterOnNonDefaultPortsIsPublishedOnceThenUnchanged() throws IOException {
        ReconcileResult first = reconcile();

        assertThat(first.exitCode()).isZero();
        assertThat(first.decision().outcome()).isEqualTo(TopologyOutcome.PUBLISH);
        JsonNode json = fileJson();
        assertThat(json.get("primary").asText()).isEqualTo(addr(0));
        assertThat(strings(json.get("replicas"))).containsExactlyElementsOf(sorted(addr(1), addr(2)));
        assertThat(strings(json.get("down"))).isEmpty();
        assertThat(json.get("splitBrain").asBoolean()).isFalse();
        // the ports are the nodes' own (none is 5432), named as the Service names its port
        assertThat(k8s.endpointAddresses("pg-rw")).containsExactly(addr(0));
        assertThat(k8s.endpointAddresses("pg-ro")).containsExactlyElementsOf(sorted(addr(1), addr(2)));
        assertThat(k8s.sliceAddresses("pg-rw")).containsExactly(addr(0));
        assertThat(k8s.sliceAddresses("pg-ro")).containsExactlyElementsOf(sorted(addr(1), addr(2)));
        assertThat(k8s.endpoints("pg-ro").getSubsets()).allSatisfy(s ->
                assertThat(s.getPorts()).allSatisfy(p -> assertThat(p.getName()).isEqualTo("postgres")));
        assertThat(k8s.annotation("pg-rw", KubernetesEndpointPublisher.SIGNATURE)).isEqualTo(json.get("signature").asText());
        assertThat(k8s.annotation("pg-ro", KubernetesEndpointPublisher.SIGNATURE)).isEqualTo(json.get("signature").asText());

        String changedAt = json.get("changedAt").asText();
        String lastChange = k8s.annotation("pg-ro", KubernetesEndpointPublisher.LAST_CHANGE);
        ReconcileResult second = reconcile();

        assertThat(second.exitCode()).isZero();
        assertThat(second.changed()).isFalse();
        assertThat(second.publishers()).extracting(PublisherOutcome::result).containsOnly(PublishResult.UNCHANGED);
        assertThat(fileJson().get("changedAt").asText()).isEqualTo(changedAt);
        assertThat(k8s.annotation("pg-ro", KubernetesEndpointPublisher.LAST_CHANGE)).isEqualTo(lastChange);
    }

    @Test
    @Order(2)
    void replicaDownIsLeftOutOfReadOnly() throws IOException {
        cluster.node(2).stop("fast");

        ReconcileResult r = reconcile();

        assertThat(r.exitCode()).isZero();
        assertThat(r.decision().reason()).contains("down " + addr(2) + " (connection refused)");
        assertThat(fileJson().get("primary").asText()).isEqualTo(addr(0));
        assertThat(strings(fileJson().get("replicas"))).containsExactly(addr(1));
        assertThat(strings(fileJson().get("down"))).containsExactly(addr(2));
        assertThat(k8s.endpointAddresses("pg-rw")).containsExactly(addr(0));
        assertThat(k8s.endpointAddresses("pg-ro")).containsExactly(addr(1));
        assertThat(k8s.sliceAddresses("pg-ro")).containsExactly(addr(1));
    }

    @Test
    @Order(3)
    void replicaLaggingBeyondMaxLagIsLeftOutOfReadOnly() throws IOException {
        cluster.node(2).pauseReplay();
        cluster.node(0).execute("CREATE TABLE IF NOT EXISTS lag_filler (g int, pad text)");
        cluster.node(0).execute("INSERT INTO lag_filler SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g");
        String written = cluster.node(0).query("SELECT pg_current_wal_lsn()");
        Awaitility.await("node 1 replayed the writes").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> "t".equals(cluster.node(1).query("SELECT pg_last_wal_replay_lsn() >= '" + written + "'")));
        LagLimit oneMb = LagLimit.parse("1MB");

        ReconcileResult r = reconcile(oneMb);

        assertThat(r.exitCode()).isZero();
        assertThat(r.decision().leftOut()).singleElement().asString()
                .startsWith(addr(2) + " (replay lag ").endsWith(" bytes > --max-lag 1048576 bytes)");
        assertThat(strings(fileJson().get("replicas"))).containsExactly(addr(1));
        assertThat(strings(fileJson().get("down"))).isEmpty();
        assertThat(k8s.endpointAddresses("pg-ro")).containsExactly(addr(1));
        // without a limit the same lagging replica serves reads
        assertThat(reconcile(LagLimit.NONE).decision().endpoints().replicas()).hasSize(2);
    }

    @Test
    @Order(4)
    void noReplicasLeavesReadOnlyEmpty() throws IOException {
        cluster.node(1).stop("fast");
        cluster.node(2).stop("fast");

        ReconcileResult r = reconcile();

        assertThat(r.exitCode()).isZero();
        assertThat(fileJson().get("primary").asText()).isEqualTo(addr(0));
        assertThat(strings(fileJson().get("replicas"))).isEmpty();
        assertThat(strings(fileJson().get("down"))).containsExactlyElementsOf(sorted(addr(1), addr(2)));
        assertThat(k8s.endpointAddresses("pg-rw")).containsExactly(addr(0));
        assertThat(k8s.endpointAddresses("pg-ro")).isEmpty();
        assertThat(k8s.sliceAddresses("pg-ro")).isEmpty();
    }

    @Test
    @Order(5)
    void allDownChangesNothingAndExits1() throws IOException {
        assertThat(reconcile().exitCode()).isZero();
        String before = Files.readString(file);
        List<String> rwBefore = k8s.endpointAddresses("pg-rw");
        cluster.node(1).stop("fast");
        cluster.node(2).stop("fast");
        cluster.node(0).stop("fast");

        ReconcileResult r = reconcile();

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.decision().outcome()).isEqualTo(TopologyOutcome.NO_PRIMARY);
        assertThat(r.decision().reason()).startsWith("no reachable primary among 3 nodes (" + addr(0)
                + " down (connection refused)").endsWith("); endpoints were left unchanged");
        assertThat(r.publishers()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(k8s.endpointAddresses("pg-rw")).isEqualTo(rwBefore).containsExactly(addr(0));
        assertThat(k8s.endpointAddresses("pg-ro")).containsExactlyElementsOf(sorted(addr(1), addr(2)));
    }

    @Test
    @Order(6)
    void readOnlyUpdateFailingOnceIsRepairedByTheNextRun() throws IOException {
        assertThat(reconcile().exitCode()).isZero();
        cluster.node(2).stop("fast");
        k8s.server().expect().put().withPath("/api/v1/namespaces/" + TestKubernetes.NAMESPACE + "/endpoints/pg-ro")
                .andReturn(409, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Conflict\","
                        + "\"message\":\"the object has been modified\",\"code\":409}").once();

        ReconcileResult failed = reconcile();

        assertThat(failed.exitCode()).isEqualTo(4);
        assertThat(failed.publishers()).filteredOn(PublisherOutcome::failed).singleElement()
                .satisfies(p -> assertThat(p.error()).isEqualTo("Kubernetes: cannot update Endpoints "
                        + TestKubernetes.NAMESPACE + "/pg-ro (HTTP 409: the object has been modified); "
                        + "it was changed concurrently"));
        // read-write was written before read-only failed: the output must say so, not "unchanged"
        assertThat(failed.summary()).startsWith("changed: ");
        assertThat(failed.publishers()).filteredOn(PublisherOutcome::failed).singleElement()
                .hasToString("kubernetes " + TestKubernetes.NAMESPACE + "/pg-rw,pg-ro: CHANGED, then FAILED Kubernetes: "
                        + "cannot update Endpoints " + TestKubernetes.NAMESPACE + "/pg-ro (HTTP 409: the object has been "
                        + "modified); it was changed concurrently");
        // read-write (its signature annotation) was updated, read-only was not: the half-failed state
        String signature = fileJson().get("signature").asText();
        assertThat(k8s.annotation("pg-rw", KubernetesEndpointPublisher.SIGNATURE)).isEqualTo(signature);
        assertThat(k8s.annotation("pg-ro", KubernetesEndpointPublisher.SIGNATURE)).isNotEqualTo(signature);
        assertThat(k8s.endpointAddresses("pg-ro")).containsExactlyElementsOf(sorted(addr(1), addr(2)));

        ReconcileResult repaired = reconcile();

        assertThat(repaired.exitCode()).isZero();
        assertThat(repaired.changed()).isTrue();
        assertThat(k8s.endpointAddresses("pg-ro")).containsExactly(addr(1));
        assertThat(k8s.sliceAddresses("pg-ro")).containsExactly(addr(1));
        assertThat(k8s.annotation("pg-ro", KubernetesEndpointPublisher.SIGNATURE)).isEqualTo(signature);
    }

    @Test
    @Order(7)
    void twoPrimariesChangeNothingRecordTheSplitBrainAndExit3() throws IOException {
        assertThat(reconcile().exitCode()).isZero();
        String rwSignature = k8s.annotation("pg-rw", KubernetesEndpointPublisher.SIGNATURE);
        cluster.node(1).promote();

        ReconcileResult r = reconcile();

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.decision().outcome()).isEqualTo(TopologyOutcome.SPLIT_BRAIN);
        assertThat(r.decision().reason()).startsWith("split brain: 2 primaries (" + addr(0) + " primary (timeline 1")
                .contains(addr(1) + " primary (timeline 2")
                .endsWith("endpoints were left unchanged. Stop or demote all but one primary");
        JsonNode json = fileJson();
        assertThat(json.get("splitBrain").asBoolean()).isTrue();
        assertThat(json.get("primary").asText()).isEqualTo(addr(0));
        assertThat(strings(json.get("replicas"))).containsExactlyElementsOf(sorted(addr(1), addr(2)));
        assertThat(k8s.endpointAddresses("pg-rw")).containsExactly(addr(0));
        assertThat(k8s.annotation("pg-rw", KubernetesEndpointPublisher.SIGNATURE)).isEqualTo(rwSignature);
        assertThat(k8s.annotation("pg-rw", KubernetesEndpointPublisher.SPLIT_BRAIN))
                .isEqualTo(String.join(",", sorted(addr(0), addr(1))));
        assertThat(k8s.events()).filteredOn(e -> "SplitBrain".equals(e.getReason())).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("pg-rw");
            assertThat(e.getMessage()).isEqualTo(r.decision().reason());
        });
        // a second run with the same two primaries does not repeat the event
        assertThat(reconcile().exitCode()).isEqualTo(3);
        assertThat(k8s.events()).filteredOn(e -> "SplitBrain".equals(e.getReason())).hasSize(1);
    }

    @Test
    @Order(8)
    void primaryStoppedAndReplicaPromotedMovesReadWrite() throws IOException {
        assertThat(reconcile().exitCode()).isZero();
        cluster.node(0).stop("fast");
        cluster.node(1).promote();

        ReconcileResult r = reconcile();

        assertThat(r.exitCode()).isZero();
        assertThat(fileJson().get("primary").asText()).isEqualTo(addr(1));
        assertThat(fileJson().get("splitBrain").asBoolean()).isFalse();
        assertThat(strings(fileJson().get("down"))).containsExactly(addr(0));
        assertThat(k8s.endpointAddresses("pg-rw")).containsExactly(addr(1));
        assertThat(k8s.sliceAddresses("pg-rw")).containsExactly(addr(1));
        // node 2 still follows the stopped primary: not a replica of the new one
        assertThat(r.decision().endpoints().replicas()).isEmpty();
        assertThat(k8s.endpointAddresses("pg-ro")).isEmpty();

        cluster.node(2).follow(cluster.node(1));
        Awaitility.await("node 2 streaming from node 1").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> reconcile().decision().endpoints().replicas().size() == 1);

        assertThat(strings(fileJson().get("replicas"))).containsExactly(addr(2));
        assertThat(k8s.endpointAddresses("pg-ro")).containsExactly(addr(2));
        assertThat(k8s.endpointAddresses("pg-rw")).containsExactly(addr(1));
    }
}

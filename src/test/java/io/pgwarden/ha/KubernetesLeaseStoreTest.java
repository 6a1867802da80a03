package io.pgwarden.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.testing.SteppingClock;
import io.pgwarden.testing.TestKubernetes;
import io.pgwarden.testing.TestPostgres;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract on fabric8's mock server in CRUD mode (a real HTTP server storing objects and checking
 * resourceVersions), with lease timing on a stepping clock; then what is particular to Kubernetes: another node's
 * renewTime is never trusted, whether it lies in the past or the future; the objects an operator sees with kubectl.
 */
class KubernetesLeaseStoreTest extends CoordinationStoreContract {
    private static TestKubernetes kubernetes;
    private final SteppingClock clock = new SteppingClock();

    @BeforeAll
    static void startServer() {
        kubernetes = TestKubernetes.start();
        // the first requests of a JVM load the HTTP client and the model classes: not what a call timeout measures
        kubernetes.client().leases().inNamespace(TestKubernetes.NAMESPACE).list();
        kubernetes.client().configMaps().inNamespace(TestKubernetes.NAMESPACE).list();
    }

    /**
     * 9 s on the stepping clock (TTLs cost no waiting here), so the real call timeout (3 s, a third of it per
     * request) is generous for a loaded machine.
     */
    @Override
    protected Duration ttl() {
        return Duration.ofSeconds(9);
    }

    @AfterAll
    static void stopServer() {
        kubernetes.close();
    }

    @Override
    protected CoordinationStore newStore(String cluster, String member, Duration ttl) {
        return new KubernetesLeaseStore(kubernetes.client(), TestKubernetes.NAMESPACE,
                StoreSettings.of(cluster, member, ttl), clock);
    }

    @Override
    protected void afterTtl(Runnable assertion) {
        clock.advance(ttl().plusMillis(1));
        assertion.run();
    }

    private void foreignLeader(String holder, ZonedDateTime renewTime) {
        kubernetes.client().leases().inNamespace(TestKubernetes.NAMESPACE).resource(new LeaseBuilder().withNewMetadata()
                .withName(cluster() + "-leader").addToLabels(KubernetesLeaseStore.CLUSTER_LABEL, cluster()).endMetadata()
                .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(2).withRenewTime(renewTime)
                .withAcquireTime(renewTime).endSpec().build()).create();
    }

    private Lease leaderLease() {
        return kubernetes.client().leases().inNamespace(TestKubernetes.NAMESPACE).withName(cluster() + "-leader").get();
    }

    @Test
    void aLeaseRenewedLongAgoByTheHoldersClockIsTakenOnlyAfterAFullLocallyTimedDuration() {
        foreignLeader("x", ZonedDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        CoordinationStore b = store("b");
        assertThat(b.read().leaderName()).as("a renewTime in the past proves nothing").contains("x");
        assertThat(b.acquireLeader().describe()).isEqualTo("held by x");
        clock.advance(Duration.ofMillis(1999));
        assertThat(b.acquireLeader().describe()).as("1.999 s of a 2 s lease").isEqualTo("held by x");
        clock.advance(Duration.ofMillis(1));
        assertThat(b.acquireLeader()).isEqualTo(LeaderResult.won("b"));
        Lease l = leaderLease();
        assertThat(l.getSpec().getHolderIdentity()).isEqualTo("b");
        assertThat(l.getSpec().getLeaseTransitions()).isEqualTo(1);
    }

    @Test
    void aLeaseRenewedInTheFutureByTheHoldersClockStillExpiresAfterOneLocalDuration() {
        foreignLeader("x", ZonedDateTime.now(ZoneOffset.UTC).plusHours(1));
        CoordinationStore b = store("b");
        assertThat(b.read().leaderName()).contains("x");
        clock.advance(Duration.ofSeconds(2));
        assertThat(b.read().leader()).isEmpty();
        assertThat(b.acquireLeader().ours()).isTrue();
    }

    @Test
    void aNodeThatNeverSawTheRecordBeforeWaitsAFullDurationToo() {
        CoordinationStore a = store("a");
        a.acquireLeader();
        clock.advance(Duration.ofSeconds(20));
        CoordinationStore late = store("late");
        assertThat(late.acquireLeader().describe()).as("first sight of a's record starts the timer")
                .isEqualTo("held by a");
        clock.advance(Duration.ofSeconds(8));
        assertThat(late.acquireLeader().describe()).isEqualTo("held by a");
        clock.advance(Duration.ofSeconds(1));
        assertThat(late.acquireLeader().ours()).isTrue();
    }

    @Test
    void aHolderThatKeepsRenewingIsNeverTakenOver() {
        CoordinationStore a = store("a");
        CoordinationStore b = store("b");
        a.acquireLeader();
        for (int cycle = 0; cycle < 6; cycle++) {
            b.read();
            clock.advance(Duration.ofSeconds(6));
            assertThat(a.renewLeader(new LeaderStatus("a", 1, io.pgwarden.core.Lsn.ZERO)).ours()).isTrue();
            assertThat(b.acquireLeader().describe()).as("cycle %d", cycle).isEqualTo("held by a");
        }
    }

    @Test
    void theObjectsAreWhatKubectlShows() {
        CoordinationStore a = store("a");
        a.acquireLeader();
        a.publishMember(replica("a", 0x3000060));
        a.renewLeader(new LeaderStatus("a", 1, io.pgwarden.core.Lsn.parse("0/3000060")));
        a.compareAndSet(SharedKey.SYNC, Versioned.ABSENT, new SyncState("a", List.of("b")));
        Lease leader = leaderLease();
        assertThat(leader.getSpec().getHolderIdentity()).isEqualTo("a");
        assertThat(leader.getSpec().getLeaseDurationSeconds()).isEqualTo(9);
        assertThat(leader.getMetadata().getLabels()).containsEntry("pgwarden.io/cluster", cluster());
        assertThat(leader.getMetadata().getAnnotations()).containsEntry("pgwarden.io/leader-status",
                "{\"leader\":\"a\",\"timeline\":1,\"lsn\":\"0/3000060\"}");
        Lease member = kubernetes.client().leases().inNamespace(TestKubernetes.NAMESPACE)
                .withName(cluster() + "-member-a").get();
        assertThat(member.getMetadata().getAnnotations().get("pgwarden.io/member")).contains("\"receive_lsn\":\"0/3000060\"");
        assertThat(kubernetes.client().configMaps().inNamespace(TestKubernetes.NAMESPACE).withName(cluster() + "-sync")
                .get().getData()).containsEntry("value", "{\"leader\":\"a\",\"standbys\":[\"b\"]}");
    }

    @Test
    void anUnreachableApiServerFailsWithCoordinationUnavailable() {
        String deadUrl = "http://127.0.0.1:" + TestPostgres.freePort();
        try (KubernetesClient dead = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl(deadUrl).withNamespace(TestKubernetes.NAMESPACE).build()).build();
                CoordinationStore s = new KubernetesLeaseStore(dead, TestKubernetes.NAMESPACE,
                        StoreSettings.of(cluster(), "a", Duration.ofSeconds(3)), clock)) {
            assertThatThrownBy(s::read).isInstanceOfSatisfying(PgWardenException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.COORDINATION_UNAVAILABLE))
                    .hasMessageStartingWith("kubernetes " + deadUrl + "/ namespace db cluster " + cluster()
                            + " as a: reading the cluster failed")
                    .hasMessageContaining("is the API server reachable?");
            assertThatThrownBy(s::acquireLeader).hasMessageContaining("taking the leader key failed");
        }
    }

    @Test
    void theHaCycleBootstrapsAndFailsOverOnKubernetesLeasesWithoutAnEarlyTakeover() {
        java.util.function.Function<String, HaCycle> node = n -> new HaCycle(store(n), new HaDecider(), clock,
                ClusterConfig.DEFAULTS, "127.0.0.1:5432", null);
        HaCycle a = node.apply("a");
        HaCycle b = node.apply("b");
        java.util.Map<String, PeerReport> none = java.util.Map.of();
        assertThat(a.run(HaCycleTest.empty("a"), none).action()).isEqualTo(HaAction.INITIALIZE);
        assertThat(a.run(HaCycleTest.primary("a", 1000), none).action()).isEqualTo(HaAction.BOOTSTRAP_LEADER);
        assertThat(b.run(HaCycleTest.replica("b", 1000), none).action()).isEqualTo(HaAction.FOLLOW);
        // a stops renewing; b cycles every 2 s. Its lease (9 s, timed by b since b last saw it change) must not be
        // taken one cycle early, whatever a's renewTime says.
        for (int waited = 2; waited < 9; waited += 2) {
            clock.advance(Duration.ofSeconds(2));
            assertThat(b.run(HaCycleTest.replica("b", 1000), none).action()).as("%d s after a's last renewal", waited)
                    .isEqualTo(HaAction.FOLLOW);
        }
        clock.advance(Duration.ofSeconds(2));
        assertThat(b.run(HaCycleTest.replica("b", 1000), none).action()).isEqualTo(HaAction.ACQUIRE_AND_PROMOTE);
        assertThat(leaderLease().getSpec().getHolderIdentity()).isEqualTo("b");
    }
}

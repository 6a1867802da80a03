package io.pgwarden.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.testing.TestEtcd;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract on a real etcd (one server shared by the class, a cluster name per test), then what only a real
 * server shows: an outage (stopped, or frozen) makes calls fail within their timeout with COORDINATION_UNAVAILABLE
 * and they work again when etcd is back; an expired lease takes the leader and member keys with it, and the member
 * key comes back under a new lease; a compacted watch still reports the change.
 */
class EtcdCoordinationStoreIT extends CoordinationStoreContract {
    private static TestEtcd etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = TestEtcd.start();
        // The first gRPC calls of a JVM load Netty and gRPC (a second or more on a busy machine): warm every kind of
        // call up once, so the tests' 600 ms call timeouts measure etcd, not class loading.
        try (CoordinationStore warm = new EtcdCoordinationStore(etcd.endpoints(),
                new StoreSettings("warm-up", "w", Duration.ofSeconds(30), Duration.ofSeconds(10)), Clock.SYSTEM)) {
            warm.publishMember(replica("w", 1));
            warm.acquireLeader();
            warm.renewLeader(new LeaderStatus("w", 1, io.pgwarden.core.Lsn.ZERO));
            warm.compareAndSet(SharedKey.SYNC, Versioned.ABSENT, new SyncState("w", List.of()));
            warm.awaitChange(warm.read().revision(), Duration.ofMillis(10));
            warm.releaseLeader();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** 3 s: call timeouts of 600 ms leave room for a loaded CI machine; expiry tests wait about 3 s each. */
    @Override
    protected Duration ttl() {
        return Duration.ofSeconds(3);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected CoordinationStore newStore(String cluster, String member, Duration ttl) {
        return new EtcdCoordinationStore(etcd.endpoints(), StoreSettings.of(cluster, member, ttl), Clock.SYSTEM);
    }

    @Override
    protected void afterTtl(Runnable assertion) {
        Awaitility.await().atMost(ttl().multipliedBy(5)).pollInterval(Duration.ofMillis(200)).untilAsserted(assertion::run);
    }

    private static String etcdGet(String key) throws Exception {
        try (Client c = Client.builder().endpoints(etcd.endpoint()).build()) {
            var kvs = c.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).getKvs();
            return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void keysLiveUnderPgwardenClusterAsJsonAnOperatorCanRead() throws Exception {
        CoordinationStore a = store("a");
        a.acquireLeader();
        a.publishMember(replica("a", 0x3000060));
        a.compareAndSet(SharedKey.SYNC, Versioned.ABSENT, new SyncState("a", List.of("b")));
        assertThat(etcdGet("/pgwarden/" + cluster() + "/leader")).isEqualTo("a");
        assertThat(etcdGet("/pgwarden/" + cluster() + "/members/a")).contains("\"receive_lsn\":\"0/3000060\"")
                .contains("\"health_url\":\"http://127.0.0.1:8009\"");
        assertThat(etcdGet("/pgwarden/" + cluster() + "/sync")).isEqualTo("{\"leader\":\"a\",\"standbys\":[\"b\"]}");
    }

    @Test
    void aRevokedLeaseIsReplacedAndTheMemberKeyWrittenAgainButNotTheLeaderKey() throws Exception {
        CoordinationStore a = store("a");
        a.acquireLeader();
        a.publishMember(replica("a", 10));
        try (Client c = Client.builder().endpoints(etcd.endpoint()).build()) {
            var kv = c.getKVClient().get(ByteSequence.from("/pgwarden/" + cluster() + "/leader", StandardCharsets.UTF_8))
                    .get(10, TimeUnit.SECONDS).getKvs().get(0);
            c.getLeaseClient().revoke(kv.getLease()).get(10, TimeUnit.SECONDS);
        }
        assertThat(store("b").read().members()).as("the lease took the member key").isEmpty();
        LeaderResult renewed = a.renewLeader(new LeaderStatus("a", 1, io.pgwarden.core.Lsn.ZERO));
        assertThat(renewed).isEqualTo(LeaderResult.absent());
        ClusterView v = store("b").read();
        assertThat(v.leader()).isEmpty();
        assertThat(v.member("a")).as("member key written again under the new lease").contains(replica("a", 10));
        assertThat(a.acquireLeader().ours()).isTrue();
    }

    @Test
    void aStoppedEtcdFailsEveryCallWithinItsTimeoutAndTheStoreRecoversWhenItIsBack() {
        CoordinationStore a = store("a");
        a.acquireLeader();
        etcd.stop();
        try {
            expectUnavailable(a::read, "reading the cluster");
            expectUnavailable(() -> a.renewLeader(new LeaderStatus("a", 1, io.pgwarden.core.Lsn.ZERO)),
                    "renewing the leader key");
            expectUnavailable(() -> a.compareAndSet(SharedKey.CONFIG, Versioned.ABSENT, ClusterConfig.DEFAULTS),
                    "writing config");
        } finally {
            etcd.startAgain();
        }
        Awaitility.await("store usable again").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> a.read() != null);
        assertThat(a.compareAndSet(SharedKey.CONFIG, Versioned.ABSENT, ClusterConfig.DEFAULTS)).isTrue();
    }

    @Test
    void aFrozenEtcdTimesOutInsteadOfHanging() {
        CoordinationStore a = store("a");
        a.read();
        etcd.freeze();
        try {
            expectUnavailable(a::read, "reading the cluster timed out after 600ms");
            expectUnavailable(a::acquireLeader, "taking the leader key timed out after 600ms");
        } finally {
            etcd.resume();
        }
        Awaitility.await("store usable again").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> a.acquireLeader().ours());
    }

    /** The call fails with the code and message; "within its timeout" is checked against a generous bound. */
    private void expectUnavailable(Runnable call, String message) {
        long start = System.nanoTime();
        assertThatThrownBy(call::run).isInstanceOfSatisfying(PgWardenException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.COORDINATION_UNAVAILABLE))
                .hasMessageContaining("etcd " + etcd.endpoint() + " cluster " + cluster() + " as a: " + message);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a call must not hang past its timeout")
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aWatchCancelledByCompactionStillReportsTheChangeAndWatchesAgain() throws Exception {
        CoordinationStore a = store("a");
        CoordinationStore b = store("b");
        ClusterView before = a.read();
        b.compareAndSet(SharedKey.SYNC, Versioned.ABSENT, new SyncState("b", List.of()));
        b.compareAndSet(SharedKey.CONFIG, Versioned.ABSENT, ClusterConfig.DEFAULTS);
        long latest = b.read().revision();
        try (Client c = Client.builder().endpoints(etcd.endpoint()).build()) {
            c.getKVClient().compact(latest).get(10, TimeUnit.SECONDS);
        }
        assertThat(a.awaitChange(before.revision(), Duration.ofSeconds(10)))
                .as("changes before the compacted revision are reported, not lost").isTrue();
        ClusterView again = a.read();
        assertThat(a.awaitChange(again.revision(), Duration.ofMillis(300))).isFalse();
        b.publishMember(replica("b", 5));
        assertThat(a.awaitChange(again.revision(), Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void theHaCycleBootstrapsAndFailsOverOnRealEtcd() {
        java.util.function.Function<String, HaCycle> node = n -> new HaCycle(store(n), new HaDecider(), Clock.SYSTEM,
                ClusterConfig.DEFAULTS, "127.0.0.1:5432", null);
        HaCycle a = node.apply("a");
        HaCycle b = node.apply("b");
        HaCycle c = node.apply("c");
        assertThat(a.run(HaCycleTest.empty("a"), java.util.Map.of()).action()).isEqualTo(HaAction.INITIALIZE);
        assertThat(b.run(HaCycleTest.empty("b"), java.util.Map.of()).reason()).isEqualTo("a is initialising the cluster");
        assertThat(a.run(HaCycleTest.primary("a", 1000), java.util.Map.of()).action()).isEqualTo(HaAction.BOOTSTRAP_LEADER);
        assertThat(a.run(HaCycleTest.primary("a", 1000), java.util.Map.of()).action()).isEqualTo(HaAction.RENEW);
        // a stops cycling (its agent died): after its lease expires, b (ahead of c) takes over, c follows b
        Awaitility.await("a's lease expired").atMost(ttl().multipliedBy(5)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    c.run(HaCycleTest.replica("c", 900), java.util.Map.of());
                    assertThat(b.run(HaCycleTest.replica("b", 1000), java.util.Map.of()).action())
                            .isEqualTo(HaAction.ACQUIRE_AND_PROMOTE);
                });
        assertThat(c.run(HaCycleTest.replica("c", 900), java.util.Map.of()))
                .isEqualTo(HaDecision.of(HaAction.FOLLOW, "b", "following the leader b"));
        assertThat(store("x").read().initialize().flatMap(InitializeRecord::systemIdentifier))
                .contains("7312345678901234567");
    }
}

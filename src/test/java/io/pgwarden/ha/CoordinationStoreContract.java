package io.pgwarden.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.ByteSize;
import io.pgwarden.core.Lsn;
import io.pgwarden.topology.NodeRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link CoordinationStore} contract, run against every implementation: the in-memory fake
 * ({@code InMemoryCoordinationStoreTest}), real etcd ({@code EtcdCoordinationStoreIT}) and Kubernetes' mock server
 * ({@code KubernetesLeaseStoreTest}). Each test works in a cluster of its own.
 */
abstract class CoordinationStoreContract {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private final List<CoordinationStore> opened = new ArrayList<>();
    private String cluster = "c" + CLUSTERS.incrementAndGet() + "-" + getClass().getSimpleName().length();

    /** A store for {@code member} of {@code cluster} with the given TTL. */
    protected abstract CoordinationStore newStore(String cluster, String member, Duration ttl);

    /** The TTL the suite uses: short for real stores, so expiry tests stay fast. */
    protected Duration ttl() {
        return Duration.ofSeconds(2);
    }

    /**
     * Lets the TTL pass for members that stopped renewing, then checks {@code assertion}: a fake clock advances,
     * a real store is polled until the assertion holds (or fails after a few TTLs).
     */
    protected abstract void afterTtl(Runnable assertion);

    protected final CoordinationStore store(String member) {
        CoordinationStore s = newStore(cluster, member, ttl());
        opened.add(s);
        return s;
    }

    protected final String cluster() {
        return cluster;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(CoordinationStore::close);
    }

    static MemberState replica(String name, long lsn) {
        return new MemberState(name, NodeRole.REPLICA, 1, "7312345678901234567", null, new Lsn(lsn), new Lsn(lsn - 16),
                "127.0.0.1:5433", "http://127.0.0.1:8009", false, 1, "following a");
    }

    @Test
    void anEmptyClusterHasNoLeaderNoMembersAndNoSharedKeys() {
        ClusterView v = store("a").read();
        assertThat(v.leader()).isEmpty();
        assertThat(v.members()).isEmpty();
        assertThat(v.leaderStatus()).isEmpty();
        assertThat(v.shared()).isEmpty();
    }

    @Test
    void theLeaderKeyIsTakenOnlyIfAbsent() {
        CoordinationStore a = store("a");
        CoordinationStore b = store("b");
        assertThat(a.acquireLeader()).isEqualTo(LeaderResult.won("a"));
        LeaderResult lost = b.acquireLeader();
        assertThat(lost.ours()).isFalse();
        assertThat(lost.describe()).isEqualTo("held by a");
        assertThat(b.read().leaderName()).contains("a");
    }

    @Test
    void ofManyConcurrentCandidatesExactlyOneWins() throws Exception {
        List<CoordinationStore> stores = List.of(store("a"), store("b"), store("c"), store("d"));
        ExecutorService pool = Executors.newFixedThreadPool(stores.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<LeaderResult>> results = new ArrayList<>();
            for (CoordinationStore s : stores) {
                results.add(pool.submit(() -> {
                    go.await();
                    return s.acquireLeader();
                }));
            }
            go.countDown();
            List<String> winners = new ArrayList<>();
            for (Future<LeaderResult> f : results) {
                LeaderResult r = f.get(30, TimeUnit.SECONDS);
                if (r.ours()) {
                    winners.add(r.holder().orElseThrow());
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(stores.get(0).read().leaderName()).contains(winners.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void renewSucceedsOnlyForTheHolderAndRecordsTheLeaderStatus() {
        CoordinationStore a = store("a");
        CoordinationStore b = store("b");
        a.acquireLeader();
        assertThat(b.renewLeader(new LeaderStatus("b", 1, new Lsn(5))).describe()).isEqualTo("held by a");
        assertThat(b.read().leaderStatus()).isEmpty();
        assertThat(a.renewLeader(new LeaderStatus("a", 2, Lsn.parse("0/3000060"))).ours()).isTrue();
        assertThat(b.read().leaderStatus()).contains(new LeaderStatus("a", 2, Lsn.parse("0/3000060")));
        assertThat(b.read().leaderName()).contains("a");
    }

    @Test
    void renewingAnAbsentKeyDoesNotCreateIt() {
        CoordinationStore a = store("a");
        assertThat(a.renewLeader(new LeaderStatus("a", 1, new Lsn(1)))).isEqualTo(LeaderResult.absent());
        assertThat(a.read().leader()).isEmpty();
    }

    @Test
    void onlyTheHolderReleasesTheLeaderKey() {
        CoordinationStore a = store("a");
        CoordinationStore b = store("b");
        a.acquireLeader();
        assertThat(b.releaseLeader()).isFalse();
        assertThat(b.read().leaderName()).contains("a");
        assertThat(a.releaseLeader()).isTrue();
        assertThat(b.read().leader()).isEmpty();
        assertThat(a.releaseLeader()).isFalse();
        assertThat(b.acquireLeader().ours()).isTrue();
    }

    @Test
    void memberStateIsPublishedReadBackOverwrittenAndRemoved() {
        CoordinationStore a = store("a");
        CoordinationStore b = store("b");
        MemberState first = replica("a", 0x3000060);
        a.publishMember(first);
        b.publishMember(new MemberState("b", NodeRole.PRIMARY, 2, null, new Lsn(99), null, null, "127.0.0.1:5434",
                null, true, 0, ""));
        ClusterView v = b.read();
        assertThat(v.member("a")).contains(first);
        assertThat(v.member("b").orElseThrow().role()).isEqualTo(NodeRole.PRIMARY);
        assertThat(v.member("b").orElseThrow().noFailover()).isTrue();
        MemberState second = replica("a", 0x4000000).withLastDecision("following b");
        a.publishMember(second);
        assertThat(b.read().member("a")).contains(second);
        a.removeMember();
        assertThat(b.read().members()).containsOnlyKeys("b");
    }

    @Test
    void compareAndSetCreatesOnlyWhenAbsentAndUpdatesOnlyTheVersionRead() {
        CoordinationStore a = store("a");
        CoordinationStore b = store("b");
        assertThat(a.compareAndSet(SharedKey.INITIALIZE, Versioned.ABSENT, InitializeRecord.claimedBy("a"))).isTrue();
        assertThat(b.compareAndSet(SharedKey.INITIALIZE, Versioned.ABSENT, InitializeRecord.claimedBy("b"))).isFalse();
        ClusterView v = b.read();
        assertThat(v.initialize()).contains(InitializeRecord.claimedBy("a"));
        long version = v.versionOf(SharedKey.INITIALIZE);
        InitializeRecord done = InitializeRecord.claimedBy("a").withSystemIdentifier("7312345678901234567");
        assertThat(a.compareAndSet(SharedKey.INITIALIZE, version, done)).isTrue();
        assertThat(b.compareAndSet(SharedKey.INITIALIZE, version, InitializeRecord.claimedBy("b")))
                .as("a stale version changes nothing").isFalse();
        assertThat(b.read().initialize()).contains(done);
    }

    @Test
    void deleteTakesOnlyTheVersionRead() {
        CoordinationStore a = store("a");
        Switchover request = new Switchover(Optional.of("a"), "b", false);
        a.compareAndSet(SharedKey.SWITCHOVER, Versioned.ABSENT, request);
        long v1 = a.read().versionOf(SharedKey.SWITCHOVER);
        a.compareAndSet(SharedKey.SWITCHOVER, v1, new Switchover(Optional.empty(), "c", true));
        assertThat(a.delete(SharedKey.SWITCHOVER, v1)).isFalse();
        assertThat(a.read().switchover()).contains(new Switchover(Optional.empty(), "c", true));
        assertThat(a.delete(SharedKey.SWITCHOVER, a.read().versionOf(SharedKey.SWITCHOVER))).isTrue();
        assertThat(a.read().switchover()).isEmpty();
        assertThat(a.delete(SharedKey.SWITCHOVER, v1)).isFalse();
    }

    @Test
    void everySharedKeyRoundTrips() {
        CoordinationStore a = store("a");
        ClusterConfig config = new ClusterConfig(Duration.ofSeconds(7), Duration.ofMillis(1500), ByteSize.ofMb(4),
                SynchronousMode.STRICT, false);
        SyncState sync = new SyncState("a", List.of("b", "c"));
        FailsafeState failsafe = new FailsafeState(Map.of("a", "http://127.0.0.1:8008", "b", "http://127.0.0.1:8009"));
        TimelineHistory history = new TimelineHistory(List.of(
                new TimelineHistory.Entry(1, Lsn.parse("0/5000098"), "b", "failover: a's leader key expired")));
        assertThat(a.compareAndSet(SharedKey.CONFIG, Versioned.ABSENT, config)).isTrue();
        assertThat(a.compareAndSet(SharedKey.SYNC, Versioned.ABSENT, sync)).isTrue();
        assertThat(a.compareAndSet(SharedKey.FAILSAFE, Versioned.ABSENT, failsafe)).isTrue();
        assertThat(a.compareAndSet(SharedKey.HISTORY, Versioned.ABSENT, history)).isTrue();
        ClusterView v = store("b").read();
        assertThat(v.config()).contains(config);
        assertThat(v.sync()).contains(sync);
        assertThat(v.failsafe()).contains(failsafe);
        assertThat(v.history()).contains(history);
        assertThat(v.leader()).isEmpty();
    }

    @Test
    void keysOfAMemberThatStopsRenewingExpireButSharedKeysAndStatusStay() {
        CoordinationStore a = store("a");
        CoordinationStore b = store("b");
        a.acquireLeader();
        a.publishMember(replica("a", 100));
        a.renewLeader(new LeaderStatus("a", 1, new Lsn(100)));
        a.compareAndSet(SharedKey.CONFIG, Versioned.ABSENT, ClusterConfig.DEFAULTS);
        b.publishMember(replica("b", 90));
        assertThat(b.read().leaderName()).contains("a");
        afterTtl(() -> {
            b.publishMember(replica("b", 90));
            ClusterView v = b.read();
            assertThat(v.leader()).as("leader key of a member that stopped renewing").isEmpty();
            assertThat(v.members()).containsOnlyKeys("b");
        });
        ClusterView v = b.read();
        assertThat(v.config()).contains(ClusterConfig.DEFAULTS);
        assertThat(v.leaderStatus()).contains(new LeaderStatus("a", 1, new Lsn(100)));
        assertThat(a.renewLeader(new LeaderStatus("a", 1, new Lsn(101))).ours())
                .as("an expired key is not renewed").isFalse();
        assertThat(b.acquireLeader().ours()).isTrue();
        assertThat(a.read().leaderName()).contains("b");
    }

    @Test
    void aMemberThatExpiredCanPublishAndLeadAgain() {
        CoordinationStore a = store("a");
        CoordinationStore b = store("b");
        a.acquireLeader();
        a.publishMember(replica("a", 100));
        b.read();
        afterTtl(() -> assertThat(b.read().leader()).isEmpty());
        a.publishMember(replica("a", 200));
        assertThat(a.acquireLeader().ours()).isTrue();
        ClusterView v = b.read();
        assertThat(v.leaderName()).contains("a");
        assertThat(v.member("a").orElseThrow().position()).isEqualTo(new Lsn(200));
    }

    @Test
    void awaitChangeReturnsAtOnceForAChangeMadeAfterTheViewAndTimesOutOtherwise() throws InterruptedException {
        CoordinationStore a = store("a");
        CoordinationStore b = store("b");
        b.publishMember(replica("b", 1));
        ClusterView before = a.read();
        assertThat(a.awaitChange(before.revision(), Duration.ofMillis(300))).as("nothing changed").isFalse();
        b.compareAndSet(SharedKey.SYNC, Versioned.ABSENT, new SyncState("b", List.of()));
        assertThat(a.awaitChange(before.revision(), Duration.ofSeconds(10))).isTrue();
        ClusterView after = a.read();
        assertThat(after.revision()).isNotEqualTo(before.revision());
        assertThat(a.awaitChange(after.revision(), Duration.ofMillis(300))).isFalse();
    }

    @Test
    void clustersDoNotSeeEachOther() {
        CoordinationStore a = store("a");
        CoordinationStore other = newStore(cluster() + "x", "a", ttl());
        opened.add(other);
        a.acquireLeader();
        a.publishMember(replica("a", 1));
        assertThat(other.read().leader()).isEmpty();
        assertThat(other.read().members()).isEmpty();
        assertThat(other.acquireLeader().ours()).isTrue();
    }
}

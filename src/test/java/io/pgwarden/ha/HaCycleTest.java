package io.pgwarden.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.ByteSize;
import io.pgwarden.core.Lsn;
import io.pgwarden.testing.InMemoryCoordination;
import io.pgwarden.testing.SteppingClock;
import io.pgwarden.topology.NodeRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The HA loop's decisions on the in-memory store and a stepping clock: bootstrap, failover candidacy, races, store
 * outages and fencing. Each node is an {@link HaCycle} over its own store client; its PostgreSQL is a
 * {@link LocalState} the test sets, as the agent's probe would report it.
 */
class HaCycleTest {
    private static final Duration TTL = Duration.ofSeconds(10);
    private static final String SYSID = "7312345678901234567";
    private final SteppingClock clock = new SteppingClock();
    private final InMemoryCoordination backend = new InMemoryCoordination(clock);
    private final Map<String, HaCycle> cycles = new HashMap<>();
    private ClusterConfig config = ClusterConfig.DEFAULTS;

    private HaCycle node(String name) {
        return cycles.computeIfAbsent(name, n -> new HaCycle(backend.store("c", n, TTL), new HaDecider(), clock, config,
                "127.0.0.1:5432", "http://127.0.0.1:8008/" + n));
    }

    private HaDecision run(String name, LocalState state) {
        return node(name).run(state, Map.of());
    }

    static LocalState empty(String name) {
        return new LocalState(name, false, null, false, NodeRole.UNKNOWN, 0, null, false, 1);
    }

    static LocalState primary(String name, long lsn) {
        return new LocalState(name, true, SYSID, true, NodeRole.PRIMARY, 1, new Lsn(lsn), false, 1);
    }

    static LocalState replica(String name, long lsn) {
        return new LocalState(name, true, SYSID, true, NodeRole.REPLICA, 1, new Lsn(lsn), false, 1);
    }

    /** a leads on timeline 1 at {@code leaderLsn}; b and c are replicas that published once; then a's key expires. */
    private void leaderDies(long leaderLsn, long bLsn, long cLsn) {
        run("a", empty("a"));
        run("a", primary("a", 1));
        assertThat(run("a", primary("a", leaderLsn)).action()).isEqualTo(HaAction.RENEW);
        clock.advance(TTL.minusSeconds(1));
        assertThat(run("b", replica("b", bLsn)).action()).isEqualTo(HaAction.FOLLOW);
        assertThat(run("c", replica("c", cLsn)).action()).isEqualTo(HaAction.FOLLOW);
        clock.advance(Duration.ofSeconds(1));
    }

    @Test
    void theFirstMemberInitialisesTheOthersCloneAndFollow() {
        assertThat(run("a", empty("a"))).satisfies(d -> {
            assertThat(d.action()).isEqualTo(HaAction.INITIALIZE);
            assertThat(d.reason()).isEqualTo("empty cluster: claiming the initialize key");
        });
        assertThat(run("b", empty("b")).reason()).isEqualTo("a is initialising the cluster");
        HaDecision boot = run("a", primary("a", 100));
        assertThat(boot.action()).isEqualTo(HaAction.BOOTSTRAP_LEADER);
        assertThat(boot.reason()).isEqualTo("initdb done: recording system identifier " + SYSID + " and taking the leader key");
        ClusterView v = backend.store("c", "x", TTL).read();
        assertThat(v.leaderName()).contains("a");
        assertThat(v.initialize()).contains(InitializeRecord.claimedBy("a").withSystemIdentifier(SYSID));
        assertThat(v.config()).contains(ClusterConfig.DEFAULTS);
        assertThat(run("b", empty("b"))).isEqualTo(HaDecision.of(HaAction.CLONE, "a", "no data directory yet: cloning the leader a"));
        assertThat(run("b", replica("b", 100)).action()).isEqualTo(HaAction.FOLLOW);
        assertThat(run("a", primary("a", 120))).isEqualTo(HaDecision.of(HaAction.RENEW, "a", "this node leads: renewing the leader key"));
        assertThat(backend.store("c", "x", TTL).read().member("b").orElseThrow().lastDecision())
                .isEqualTo("following the leader a");
    }

    @Test
    void aDataDirectoryOfAnotherClusterRefusesToJoin() {
        run("a", empty("a"));
        run("a", primary("a", 1));
        LocalState foreign = new LocalState("b", true, "6999999999999999999", true, NodeRole.REPLICA, 1, new Lsn(1), false, 1);
        HaDecision d = run("b", foreign);
        assertThat(d.action()).isEqualTo(HaAction.REFUSE_JOIN);
        assertThat(d.reason()).isEqualTo("the data directory has system identifier 6999999999999999999 but the cluster's"
                + " initialize key records " + SYSID + ": it is another cluster's data; move it away to join as a fresh replica");
    }

    @Test
    void whenTheLeaderDiesTheMostAdvancedReplicaIsPromotedAndTheOtherFollowsIt() {
        leaderDies(1000, 990, 900);
        HaDecision c = run("c", replica("c", 900));
        assertThat(c.action()).isEqualTo(HaAction.WAIT);
        assertThat(c.leaderless()).isTrue();
        assertThat(c.reason()).isEqualTo("no leader; this node does not take over: b is ahead (0/3DE > 0/384)");
        HaDecision b = run("b", replica("b", 990));
        assertThat(b.action()).isEqualTo(HaAction.ACQUIRE_AND_PROMOTE);
        assertThat(b.reason()).startsWith("no leader and this node is the healthiest candidate (0/3DE, timeline 1)");
        assertThat(run("c", replica("c", 900))).isEqualTo(HaDecision.of(HaAction.FOLLOW, "b", "following the leader b"));
        assertThat(run("b", primary("b", 995)).action()).isEqualTo(HaAction.RENEW);
    }

    @Test
    void ofTwoCandidatesDecidingAtOnceTheStoreLetsExactlyOneWin() throws Exception {
        run("a", empty("a"));
        run("a", primary("a", 1));
        run("a", primary("a", 1000));
        clock.advance(TTL);
        // b and c never published: each sees itself as the only candidate. Both read the same leaderless view before
        // either writes (each read waits until both are done), so both decide ACQUIRE_AND_PROMOTE; the store decides.
        CountDownLatch bothRead = new CountDownLatch(2);
        List<HaCycle> racers = new ArrayList<>();
        for (String n : List.of("b", "c")) {
            racers.add(new HaCycle(new ReadBarrierStore(backend.store("c", n, TTL), bothRead), new HaDecider(), clock,
                    config, "127.0.0.1:5432", null));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<HaDecision> b = pool.submit(() -> racers.get(0).run(replica("b", 1000), Map.of()));
            Future<HaDecision> c = pool.submit(() -> racers.get(1).run(replica("c", 1000), Map.of()));
            List<HaDecision> ds = List.of(b.get(30, TimeUnit.SECONDS), c.get(30, TimeUnit.SECONDS));
            assertThat(ds).filteredOn(d -> d.action() == HaAction.ACQUIRE_AND_PROMOTE).hasSize(1);
            HaDecision winner = ds.stream().filter(d -> d.action() == HaAction.ACQUIRE_AND_PROMOTE).findFirst().orElseThrow();
            HaDecision loser = ds.stream().filter(d -> d != winner).findFirst().orElseThrow();
            assertThat(loser.action()).isEqualTo(HaAction.FOLLOW);
            assertThat(loser.leader()).isEqualTo(winner.leader());
            assertThat(loser.reason()).isEqualTo("lost the race (ACQUIRE_AND_PROMOTE); following the leader "
                    + winner.leader().orElseThrow());
            assertThat(backend.store("c", "x", TTL).read().leader()).isEqualTo(
                    backend.store("c", "y", TTL).read().leader());
        } finally {
            pool.shutdownNow();
        }
    }

    private static LocalState withName(LocalState s, String name) {
        return new LocalState(name, s.dataInitialized(), s.systemIdentifier(), s.running(), s.role(), s.timeline(),
                s.position(), s.noFailover(), s.failoverPriority());
    }

    /** A store whose reads wait until every racer has read once: the racers decide on the same view. */
    private record ReadBarrierStore(CoordinationStore inner, CountDownLatch bothRead) implements CoordinationStore {
        @Override
        public ClusterView read() {
            ClusterView v = inner.read();
            bothRead.countDown();
            try {
                bothRead.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return v;
        }

        @Override public StoreSettings settings() { return inner.settings(); }
        @Override public String describe() { return inner.describe(); }
        @Override public LeaderResult acquireLeader() { return inner.acquireLeader(); }
        @Override public LeaderResult renewLeader(LeaderStatus s) { return inner.renewLeader(s); }
        @Override public boolean releaseLeader() { return inner.releaseLeader(); }
        @Override public void publishMember(MemberState s) { inner.publishMember(s); }
        @Override public void removeMember() { inner.removeMember(); }
        @Override public <T> boolean compareAndSet(SharedKey<T> k, long v, T value) { return inner.compareAndSet(k, v, value); }
        @Override public boolean delete(SharedKey<?> k, long v) { return inner.delete(k, v); }
        @Override public boolean awaitChange(long r, Duration t) throws InterruptedException { return inner.awaitChange(r, t); }
        @Override public void close() { inner.close(); }
    }

    @Test
    void aCandidateBeyondTheLagLimitIsNeverPromotedAndTheClusterSaysItIsLeaderless() {
        long mb = ByteSize.MB;
        leaderDies(10 * mb, 5 * mb, 4 * mb);
        for (int cycle = 0; cycle < 5; cycle++) {
            HaDecision b = run("b", replica("b", 5 * mb));
            assertThat(b.action()).isEqualTo(HaAction.WAIT);
            assertThat(b.leaderless()).isTrue();
            assertThat(b.reason()).isEqualTo("no leader; this node does not take over: it is 5 MB behind the last known"
                    + " leader position 0/A00000 of a (at 0/500000), more than --max-lag-on-failover 1 MB");
            assertThat(run("c", replica("c", 4 * mb)).action()).isEqualTo(HaAction.WAIT);
            clock.advance(config.loopWait());
        }
        ClusterView v = backend.store("c", "x", TTL).read();
        assertThat(v.leader()).isEmpty();
        assertThat(v.member("b").orElseThrow().lastDecision()).contains("5 MB behind");
    }

    @Test
    void aCandidateOnAnotherTimelineOrTaggedNoFailoverOrBesideALivePrimaryWaits() {
        leaderDies(1000, 1000, 900);
        LocalState otherTimeline = new LocalState("b", true, SYSID, true, NodeRole.REPLICA, 2, new Lsn(1000), false, 1);
        assertThat(run("b", otherTimeline).reason()).endsWith("on timeline 2, the cluster is on timeline 1");
        LocalState tagged = new LocalState("b", true, SYSID, true, NodeRole.REPLICA, 1, new Lsn(1000), true, 1);
        assertThat(run("b", tagged).reason()).endsWith("tagged --no-failover, so it never takes over");
        assertThat(node("c").run(replica("c", 900), Map.of("a", new PeerReport("a", true, true, false))).reason())
                .endsWith("a still runs as primary (its health API says so)");
        assertThat(run("c", replica("c", 900)).action()).as("b is tagged: c may take over")
                .isEqualTo(HaAction.ACQUIRE_AND_PROMOTE);
    }

    @Test
    void equalPositionsGoToTheHigherPriorityThenTheSmallerName() {
        leaderDies(1000, 1000, 1000);
        LocalState bLow = replica("b", 1000);
        LocalState cHigh = new LocalState("c", true, SYSID, true, NodeRole.REPLICA, 1, new Lsn(1000), false, 2);
        run("c", new LocalState("c", true, SYSID, true, NodeRole.REPLICA, 1, new Lsn(999), false, 2));
        run("c", cHigh);
        assertThat(backend.store("c", "x", TTL).read().leader()).as("c won by priority").isPresent();
        backend.store("c", "c", TTL).releaseLeader();
        assertThat(run("b", bLow).reason())
                .isEqualTo("no leader; this node does not take over: c is as far (0/3E8) and wins the tie by --failover-priority 2 > 1");
    }

    @Test
    void inSynchronousModeOnlyAMemberOfTheSyncSetIsPromoted() {
        config = new ClusterConfig(TTL, Duration.ofSeconds(2), ByteSize.ofMb(1), SynchronousMode.ON, true);
        leaderDies(1000, 1000, 990);
        backend.store("c", "a", TTL).compareAndSet(SharedKey.SYNC, Versioned.ABSENT, new SyncState("a", List.of("c")));
        assertThat(run("b", replica("b", 1000)).reason()).isEqualTo("no leader; this node does not take over: synchronous"
                + " mode on: not in the synchronous set [c], so it may lack acknowledged commits");
        assertThat(run("c", replica("c", 990)).action()).as("b is ahead but may not be promoted, so it does not block c")
                .isEqualTo(HaAction.ACQUIRE_AND_PROMOTE);
    }

    @Test
    void aStoreThatTimesOutOnceDemotesNobody() {
        run("a", empty("a"));
        run("a", primary("a", 1));
        clock.advance(Duration.ofSeconds(2));
        assertThat(run("a", primary("a", 2)).action()).isEqualTo(HaAction.RENEW);
        backend.failNextCalls("a", 1);
        clock.advance(Duration.ofSeconds(2));
        HaDecision d = run("a", primary("a", 3));
        assertThat(d.action()).isEqualTo(HaAction.RENEW);
        assertThat(d.reason()).startsWith("the store is unreachable (in-memory store cluster c as a: reading the cluster"
                + " timed out after 2000ms); the leader key lives another 6s, past the next attempt in 4s: staying"
                + " primary and retrying");
        clock.advance(Duration.ofSeconds(2));
        assertThat(run("a", primary("a", 4))).isEqualTo(HaDecision.of(HaAction.RENEW, "a", "this node leads: renewing the leader key"));
    }

    @Test
    void aLeaderThatCannotRenewIsFencedBeforeItsKeyCouldExpire() {
        config = new ClusterConfig(TTL, Duration.ofSeconds(2), ByteSize.ofMb(1), SynchronousMode.OFF, false);
        run("a", empty("a"));
        run("a", primary("a", 1));
        long renewedAt = clock.nanoTime();
        backend.cutOff("a");
        CoordinationStore observer = backend.store("c", "b", TTL);
        HaDecision d;
        int cycles = 0;
        do {
            d = run("a", primary("a", 1));
            assertThat(observer.read().leaderName()).as("the key is still a's while a has not fenced").contains("a");
            if (d.action() != HaAction.FENCE) {
                clock.advance(config.loopWait());
            }
            cycles++;
        } while (d.action() != HaAction.FENCE && cycles < 20);
        assertThat(d.action()).isEqualTo(HaAction.FENCE);
        assertThat(Duration.ofNanos(clock.nanoTime() - renewedAt)).as("fenced before the TTL ran out").isLessThan(TTL);
        assertThat(d.reason()).startsWith("cannot renew the leader key before it expires in ")
                .endsWith("failsafe mode is off): fencing so that no write is acknowledged once another member may be promoted");
    }

    @Test
    void inFailsafeModeAStoreOutageWithEveryMemberConfirmingKeepsThePrimaryAndOneSilentMemberFencesIt() {
        run("a", empty("a"));
        run("a", primary("a", 1));
        run("b", replica("b", 1));
        run("c", replica("c", 1));
        run("a", primary("a", 1));
        assertThat(backend.store("c", "x", TTL).read().failsafe().orElseThrow().members()).containsOnlyKeys("a", "b", "c");
        backend.cutOff("a");
        Map<String, PeerReport> allConfirm = Map.of("b", new PeerReport("b", true, false, true),
                "c", new PeerReport("c", true, false, true));
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(2));
            HaDecision d = node("a").run(primary("a", 1), allConfirm);
            assertThat(d.action()).as("cycle %d, %s past the TTL", i, Duration.ofSeconds(2L * i)).isEqualTo(HaAction.STAY_FAILSAFE);
            assertThat(d.reason()).endsWith("but all 2 members confirm this node as leader: staying primary");
        }
        HaDecision d = node("a").run(primary("a", 1), Map.of("b", allConfirm.get("b"), "c", PeerReport.unreachable("c")));
        assertThat(d.action()).isEqualTo(HaAction.FENCE);
        assertThat(d.reason()).contains("failsafe needs every member, c did not confirm");
    }

    @Test
    void aPrimaryThatFindsAnotherMemberHoldingTheKeyFencesItself() {
        leaderDies(1000, 1000, 900);
        run("b", replica("b", 1000));
        HaDecision d = run("a", primary("a", 1000));
        assertThat(d).isEqualTo(HaDecision.of(HaAction.FENCE, "b",
                "b holds the leader key but this node runs as primary: fencing it now, then rejoining b"));
    }

    @Test
    void aSwitchoverStopsTheLeaderHandsTheKeyToTheCandidateAndTheOldLeaderFollows() {
        run("a", empty("a"));
        run("a", primary("a", 1));
        run("b", replica("b", 100));
        run("c", replica("c", 100));
        CoordinationStore operator = backend.store("c", "operator", TTL);
        operator.compareAndSet(SharedKey.SWITCHOVER, Versioned.ABSENT, new Switchover(java.util.Optional.of("a"), "c", false));
        assertThat(run("a", primary("a", 100))).isEqualTo(HaDecision.of(HaAction.SWITCHOVER_DEMOTE, "c",
                "switchover to c requested: stopping cleanly so that c receives the shutdown checkpoint"));
        assertThat(operator.read().leaderName()).as("the key stays until a has stopped").contains("a");
        LocalState aStopped = new LocalState("a", true, SYSID, false, NodeRole.UNKNOWN, 1, new Lsn(120), false, 1);
        assertThat(run("a", aStopped)).isEqualTo(HaDecision.of(HaAction.FOLLOW, "c",
                "stopped for the switchover: handing the leader key to c and following it"));
        assertThat(run("b", replica("b", 120)).reason()).isEqualTo("a switchover to c is in progress");
        assertThat(run("c", replica("c", 120))).isEqualTo(HaDecision.of(HaAction.ACQUIRE_AND_PROMOTE, "c",
                "switchover to this node: taking the leader key"));
        ClusterView v = operator.read();
        assertThat(v.leaderName()).contains("c");
        assertThat(v.switchover()).as("done: the request is deleted").isEmpty();
        assertThat(run("a", aStopped).action()).isEqualTo(HaAction.FOLLOW);
        assertThat(run("b", replica("b", 120))).isEqualTo(HaDecision.of(HaAction.FOLLOW, "c", "following the leader c"));
    }

    @Test
    void aSwitchoverToAMemberThatIsNotARunningReplicaIsRefusedAndDeleted() {
        run("a", empty("a"));
        run("a", primary("a", 1));
        CoordinationStore operator = backend.store("c", "operator", TTL);
        operator.compareAndSet(SharedKey.SWITCHOVER, Versioned.ABSENT, new Switchover(java.util.Optional.empty(), "zz", false));
        HaDecision d = run("a", primary("a", 5));
        assertThat(d.action()).isEqualTo(HaAction.RENEW);
        assertThat(d.reason()).isEqualTo("this node leads: renewing the leader key; switchover to zz refused: it is not a"
                + " running replica member");
        assertThat(operator.read().switchover()).isEmpty();
        assertThat(operator.read().leaderName()).contains("a");
    }

    @Test
    void inSynchronousModeNoStandbyIsPromotedWhileAnotherSynchronousStandbyIsMissing() {
        config = new ClusterConfig(TTL, Duration.ofSeconds(2), ByteSize.ofMb(1), SynchronousMode.ON, true);
        run("a", empty("a"));
        run("a", primary("a", 1));
        assertThat(run("a", primary("a", 1000)).action()).isEqualTo(HaAction.RENEW);
        backend.store("c", "a", TTL).compareAndSet(SharedKey.SYNC, Versioned.ABSENT, new SyncState("a", List.of("b", "c")));
        clock.advance(TTL.minusSeconds(1));
        run("c", replica("c", 1000));
        clock.advance(Duration.ofSeconds(1));
        // b died with a: a commit acknowledged by b alone would be lost if c were promoted
        HaDecision c = run("c", replica("c", 1000));
        assertThat(c.leaderless()).isTrue();
        assertThat(c.reason()).isEqualTo("no leader; this node does not take over: synchronous mode on: synchronous"
                + " standby b is not visible, and a commit acknowledged by ANY 1 of [b, c] may exist only there");
        assertThat(run("b", replica("b", 1000)).action()).as("b is back, sees c, is as far and wins the tie by name")
                .isEqualTo(HaAction.ACQUIRE_AND_PROMOTE);
        assertThat(run("c", replica("c", 1000))).isEqualTo(HaDecision.of(HaAction.FOLLOW, "b", "following the leader b"));
    }

    @Test
    void aLeaderWhosePostgresStaysDownPastThePrimaryStartTimeoutGivesUpTheKey() {
        run("a", empty("a"));
        run("a", primary("a", 1));
        run("b", replica("b", 1));
        LocalState down = new LocalState("a", true, SYSID, false, NodeRole.UNKNOWN, 1, new Lsn(1), false, 1,
                Duration.ofSeconds(29));
        assertThat(run("a", down)).isEqualTo(HaDecision.of(HaAction.RENEW, "a",
                "this node holds the leader key and its PostgreSQL is down: restarting it in place"));
        LocalState stillDown = new LocalState("a", true, SYSID, false, NodeRole.UNKNOWN, 1, new Lsn(1), false, 1,
                Duration.ofSeconds(30));
        HaDecision d = run("a", stillDown);
        assertThat(d.action()).isEqualTo(HaAction.FENCE);
        assertThat(d.reason()).isEqualTo("PostgreSQL has been down for 30s, not back within the primary start timeout"
                + " 30s: giving up the leader key so that a replica can take over");
        assertThat(backend.store("c", "x", TTL).read().leader()).as("released at once, no TTL to wait").isEmpty();
        assertThat(run("b", replica("b", 1)).action()).isEqualTo(HaAction.ACQUIRE_AND_PROMOTE);
    }
}

package io.pgwarden.ha;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pure decision of one HA cycle: one view of the store + this node's observed state + the peers' answers →
 * one {@link HaDecision} with its reason. No I/O, no clock: the caller ({@link HaCycle}) reads the store, performs
 * the store write a decision needs (claim initialize, take or renew the leader key) and hands the rest to
 * {@code InstanceControl}. The rules, in the order they apply, are those of docs/ha.md.
 */
public final class HaDecider {

    /** A decision with the store readable. */
    public HaDecision decide(ClusterView view, LocalState me, ClusterConfig config, Map<String, PeerReport> peers) {
        Optional<InitializeRecord> init = view.initialize();
        Optional<String> sysid = init.flatMap(InitializeRecord::systemIdentifier);
        if (sysid.isPresent() && me.dataInitialized() && me.systemIdentifier() != null
                && !sysid.get().equals(me.systemIdentifier())) {
            return HaDecision.of(HaAction.REFUSE_JOIN, null, "the data directory has system identifier "
                    + me.systemIdentifier() + " but the cluster's initialize key records " + sysid.get()
                    + ": it is another cluster's data; move it away to join as a fresh replica");
        }
        Optional<String> leader = view.leaderName();
        if (init.isEmpty() && leader.isEmpty()) {
            return me.dataInitialized()
                    ? HaDecision.of(HaAction.BOOTSTRAP_LEADER, me.name(), "empty store and existing data (system "
                            + "identifier " + me.systemIdentifier() + "): claiming the cluster with it")
                    : HaDecision.of(HaAction.INITIALIZE, me.name(), "empty cluster: claiming the initialize key");
        }
        if (init.isPresent() && sysid.isEmpty() && leader.isEmpty()) {
            if (!init.get().member().equals(me.name())) {
                return HaDecision.waiting(init.get().member() + " is initialising the cluster");
            }
            return me.dataInitialized()
                    ? HaDecision.of(HaAction.BOOTSTRAP_LEADER, me.name(), "initdb done: recording system identifier "
                            + me.systemIdentifier() + " and taking the leader key")
                    : HaDecision.of(HaAction.INITIALIZE, me.name(), "this node holds the initialize key: initialising");
        }
        if (leader.isPresent()) {
            if (leader.get().equals(me.name())) {
                Optional<HaDecision> handOver = switchoverAway(view, me);
                if (handOver.isPresent()) {
                    return handOver.get();
                }
                if (!me.running() && me.downFor().compareTo(config.primaryStartTimeout()) >= 0) {
                    return HaDecision.of(HaAction.FENCE, null, "PostgreSQL has been down for "
                            + io.pgwarden.core.Durations.format(me.downFor()) + ", not back within the primary start"
                            + " timeout " + io.pgwarden.core.Durations.format(config.primaryStartTimeout())
                            + ": giving up the leader key so that a replica can take over");
                }
            }
            return withLeader(leader.get(), me);
        }
        return leaderless(view, me, config, peers);
    }

    /**
     * Why a switchover request addressed to this leader cannot be carried out (the target is not a running replica
     * member, or tagged --no-failover without --force), or empty when it can; empty too when there is no request
     * for this leader. The cycle deletes a refused request.
     */
    public static Optional<String> switchoverProblem(ClusterView view, String leader) {
        Optional<Switchover> sw = view.switchover();
        if (sw.isEmpty() || sw.get().to().equals(leader) || sw.get().from().filter(f -> !f.equals(leader)).isPresent()) {
            return Optional.empty();
        }
        Optional<MemberState> target = view.member(sw.get().to());
        if (target.isEmpty() || target.get().role() != io.pgwarden.topology.NodeRole.REPLICA) {
            return Optional.of("switchover to " + sw.get().to() + " refused: it is not a running replica member");
        }
        if (target.get().noFailover() && !sw.get().force()) {
            return Optional.of("switchover to " + sw.get().to() + " refused: it is tagged --no-failover (use --force)");
        }
        return Optional.empty();
    }

    private Optional<HaDecision> switchoverAway(ClusterView view, LocalState me) {
        Optional<Switchover> sw = view.switchover();
        if (sw.isEmpty() || sw.get().to().equals(me.name())
                || sw.get().from().filter(f -> !f.equals(me.name())).isPresent()
                || switchoverProblem(view, me.name()).isPresent()) {
            return Optional.empty();
        }
        String to = sw.get().to();
        if (me.running()) {
            return Optional.of(HaDecision.of(HaAction.SWITCHOVER_DEMOTE, to, "switchover to " + to
                    + " requested: stopping cleanly so that " + to + " receives the shutdown checkpoint"));
        }
        return Optional.of(HaDecision.of(HaAction.FOLLOW, to, "stopped for the switchover: handing the leader key to "
                + to + " and following it"));
    }

    private HaDecision withLeader(String leader, LocalState me) {
        if (leader.equals(me.name())) {
            if (me.isRunningPrimary()) {
                return HaDecision.of(HaAction.RENEW, me.name(), "this node leads: renewing the leader key");
            }
            if (me.isRunningReplica()) {
                return HaDecision.of(HaAction.ACQUIRE_AND_PROMOTE, me.name(),
                        "this node holds the leader key and is still a replica: promoting");
            }
            return HaDecision.of(HaAction.RENEW, me.name(),
                    "this node holds the leader key and its PostgreSQL is down: restarting it in place");
        }
        if (me.isRunningPrimary()) {
            return HaDecision.of(HaAction.FENCE, leader, leader + " holds the leader key but this node runs as"
                    + " primary: fencing it now, then rejoining " + leader);
        }
        if (!me.dataInitialized()) {
            return HaDecision.of(HaAction.CLONE, leader, "no data directory yet: cloning the leader " + leader);
        }
        return HaDecision.of(HaAction.FOLLOW, leader, "following the leader " + leader);
    }

    private HaDecision leaderless(ClusterView view, LocalState me, ClusterConfig config, Map<String, PeerReport> peers) {
        if (me.isRunningPrimary()) {
            return HaDecision.of(HaAction.RENEW, me.name(),
                    "the leader key is free and this node is the primary: taking it back");
        }
        Optional<Switchover> sw = view.switchover();
        if (sw.isPresent() && !sw.get().to().equals(me.name())) {
            return HaDecision.leaderless("a switchover to " + sw.get().to() + " is in progress");
        }
        if (sw.isPresent()) {
            return me.isRunningReplica()
                    ? HaDecision.of(HaAction.ACQUIRE_AND_PROMOTE, me.name(), (sw.get().force() ? "forced failover"
                            : "switchover") + " to this node: taking the leader key")
                    : HaDecision.leaderless("a switchover to this node was requested, but its PostgreSQL is not a"
                            + " running replica");
        }
        if (!me.dataInitialized()) {
            return HaDecision.leaderless("no leader to clone from, and this node has no data");
        }
        Optional<String> refusal = FailoverCandidacy.refusal(view, me, config, peers);
        if (refusal.isPresent()) {
            return HaDecision.leaderless("no leader; this node does not take over: " + refusal.get());
        }
        return HaDecision.of(HaAction.ACQUIRE_AND_PROMOTE, me.name(),
                "no leader and this node is the healthiest candidate (" + me.position() + ", timeline "
                        + me.timeline() + "): taking the leader key");
    }

    /**
     * A decision when the store could not be read or written this cycle. A leader stays primary while its key
     * surely outlives the next attempt ({@code validFor} > {@code nextAttempt}: a store that times out once demotes
     * nobody); when it might not, it fences now, before the key can expire and another member be promoted, unless
     * failsafe mode holds: every member the leader last published answers that it still sees this node as leader.
     *
     * @param validFor        how long this node's leader key still lives, timed from before its last successful
     *                        renewal; empty when it does not hold the key
     * @param nextAttempt     loop wait + call timeout: when the next renewal could at the latest succeed
     * @param failsafeMembers the other members of the last failsafe list (or of the last view)
     */
    public HaDecision decideWithoutStore(String storeError, LocalState me, ClusterConfig config,
            Optional<Duration> validFor, Duration nextAttempt, Set<String> failsafeMembers,
            Map<String, PeerReport> peers) {
        if (validFor.isEmpty() || !me.isRunningPrimary()) {
            return HaDecision.waiting("the store is unreachable (" + storeError + "); no change without it");
        }
        if (config.failsafeMode() && !failsafeMembers.isEmpty()) {
            List<String> missing = new ArrayList<>();
            for (String m : failsafeMembers) {
                PeerReport p = peers.get(m);
                if (p == null || !p.reachable() || !p.seesMeAsLeader()) {
                    missing.add(m);
                }
            }
            if (missing.isEmpty()) {
                return HaDecision.of(HaAction.STAY_FAILSAFE, me.name(), "the store is unreachable (" + storeError
                        + ") but all " + failsafeMembers.size() + " members confirm this node as leader: staying primary");
            }
            if (validFor.get().compareTo(nextAttempt) <= 0) {
                return fence(storeError, validFor.get(), "failsafe needs every member, " + String.join(", ", missing)
                        + " did not confirm");
            }
        } else if (validFor.get().compareTo(nextAttempt) <= 0) {
            return fence(storeError, validFor.get(), config.failsafeMode() ? "no member list for failsafe"
                    : "failsafe mode is off");
        }
        return HaDecision.of(HaAction.RENEW, me.name(), "the store is unreachable (" + storeError + "); the leader key"
                + " lives another " + millis(validFor.get()) + ", past the next attempt in " + millis(nextAttempt)
                + ": staying primary and retrying");
    }

    private static HaDecision fence(String storeError, Duration validFor, String why) {
        return HaDecision.of(HaAction.FENCE, null, "cannot renew the leader key before it expires in "
                + millis(validFor) + " (store: " + storeError + "; " + why + "): fencing so that no write is"
                + " acknowledged once another member may be promoted");
    }

    private static String millis(Duration d) {
        return io.pgwarden.core.Durations.format(d.isNegative() ? Duration.ZERO : d);
    }
}

package io.pgwarden.ha;

import io.pgwarden.core.ByteSize;
import io.pgwarden.topology.NodeRole;
import java.util.Map;
import java.util.Optional;

/**
 * Whether this replica may take a free leader key: only the healthiest member it can see. In order: not tagged
 * --no-failover; a running replica; in synchronous mode a member of the recorded sync set (only those hold every
 * acknowledged commit) while every other member of that set is visible (with {@code ANY 1} a commit may be on any
 * one of them, so the most advanced of all of them must be found); on the cluster's timeline; within --max-lag-on-failover of the last known leader position;
 * no peer still running as primary; no other candidate ahead of it, ties going to the higher --failover-priority,
 * then the smaller name. Returns why not, or empty when it may.
 */
final class FailoverCandidacy {
    private FailoverCandidacy() {
    }

    static Optional<String> refusal(ClusterView view, LocalState me, ClusterConfig config, Map<String, PeerReport> peers) {
        if (me.noFailover()) {
            return Optional.of("tagged --no-failover, so it never takes over");
        }
        if (!me.isRunningReplica()) {
            return Optional.of("its PostgreSQL is not a running replica");
        }
        Optional<SyncState> sync = view.sync();
        if (config.synchronousMode() != SynchronousMode.OFF && sync.isPresent() && !sync.get().contains(me.name())) {
            return Optional.of("synchronous mode " + config.synchronousMode().label() + ": not in the synchronous set "
                    + sync.get().standbys() + ", so it may lack acknowledged commits");
        }
        if (config.synchronousMode() != SynchronousMode.OFF && sync.isPresent()) {
            // ANY 1 (...): an acknowledged commit is on at least one standby of the set, not necessarily this one.
            // Only when every standby of the set is visible can "nobody ahead" prove this one has every commit.
            java.util.List<String> missing = new java.util.ArrayList<>();
            for (String s : sync.get().standbys()) {
                if (!s.equals(me.name()) && view.member(s).filter(m -> m.role() == NodeRole.REPLICA).isEmpty()) {
                    missing.add(s);
                }
            }
            if (!missing.isEmpty()) {
                return Optional.of("synchronous mode " + config.synchronousMode().label() + ": synchronous standby "
                        + String.join(", ", missing) + " is not visible, and a commit acknowledged by ANY 1 of "
                        + sync.get().standbys() + " may exist only there");
            }
        }
        Optional<LeaderStatus> last = view.leaderStatus();
        if (last.isPresent()) {
            if (last.get().timeline() != 0 && me.timeline() != last.get().timeline()) {
                return Optional.of("on timeline " + me.timeline() + ", the cluster is on timeline " + last.get().timeline());
            }
            long behind = last.get().lsn().bytesAfter(me.position());
            if (behind > config.maxLagOnFailover().bytes()) {
                return Optional.of("it is " + new ByteSize(behind).toHuman() + " behind the last known leader position "
                        + last.get().lsn() + " of " + last.get().leader() + " (at " + me.position()
                        + "), more than --max-lag-on-failover " + config.maxLagOnFailover().toHuman());
            }
        }
        for (PeerReport p : peers.values()) {
            if (!p.name().equals(me.name()) && p.reachable() && p.primary()) {
                return Optional.of(p.name() + " still runs as primary (its health API says so)");
            }
        }
        for (Versioned<MemberState> v : view.members().values()) {
            MemberState other = v.value();
            if (other.name().equals(me.name()) || !isCandidate(other, view, config, last)) {
                continue;
            }
            int cmp = other.position().compareTo(me.position());
            if (cmp > 0) {
                return Optional.of(other.name() + " is ahead (" + other.position() + " > " + me.position() + ")");
            }
            if (cmp == 0 && winsTie(other, me)) {
                return Optional.of(other.name() + " is as far (" + me.position() + ") and wins the tie by "
                        + (other.failoverPriority() != me.failoverPriority() ? "--failover-priority "
                                + other.failoverPriority() + " > " + me.failoverPriority() : "name"));
            }
        }
        return Optional.empty();
    }

    /** Another member that could itself take over (its own published state; lag is checked by itself). */
    private static boolean isCandidate(MemberState m, ClusterView view, ClusterConfig config, Optional<LeaderStatus> last) {
        if (m.noFailover() || m.role() != NodeRole.REPLICA) {
            return false;
        }
        if (config.synchronousMode() != SynchronousMode.OFF && view.sync().isPresent()
                && !view.sync().get().contains(m.name())) {
            return false;
        }
        return last.isEmpty() || last.get().timeline() == 0 || m.timeline() == last.get().timeline();
    }

    private static boolean winsTie(MemberState other, LocalState me) {
        if (other.failoverPriority() != me.failoverPriority()) {
            return other.failoverPriority() > me.failoverPriority();
        }
        return other.name().compareTo(me.name()) < 0;
    }
}

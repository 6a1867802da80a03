package io.pgwarden.ha;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of one HA cycle: what to do, the member it concerns (the leader to follow or clone; this node when it
 * leads), whether the cluster has no leader now, and the reason in words, which is logged at INFO, published in
 * this member's key and shown by {@code cluster status}.
 */
public record HaDecision(HaAction action, Optional<String> leader, boolean leaderless, String reason) {
    public HaDecision {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(reason, "reason");
    }

    static HaDecision of(HaAction action, String leader, String reason) {
        return new HaDecision(action, Optional.ofNullable(leader), false, reason);
    }

    static HaDecision waiting(String reason) {
        return new HaDecision(HaAction.WAIT, Optional.empty(), false, reason);
    }

    /** WAIT in a cluster without a leader: {@code reason} says why this node does not take over. */
    static HaDecision leaderless(String reason) {
        return new HaDecision(HaAction.WAIT, Optional.empty(), true, reason);
    }

    HaDecision withReason(String newReason) {
        return new HaDecision(action, leader, leaderless, newReason);
    }

    @Override
    public String toString() {
        return action + leader.map(l -> " " + l).orElse("") + ": " + reason;
    }
}

package io.pgwarden.ha;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HA cycle as a command: read one view, let {@link HaDecider} decide, perform the store write the decision needs
 * (claim initialize, record the system identifier, take or renew the leader key, refresh the failsafe list), publish
 * this member's state with the decision's reason, return the decision. A lost race is decided again on a fresh view
 * (once), so two candidates at once end as one leader and one follower. It calls no instance code: the agent hands
 * the returned action to {@code InstanceControl}. Not thread-safe: one loop runs it.
 */
public final class HaCycle {
    private static final Logger log = LoggerFactory.getLogger(HaCycle.class);

    private final CoordinationStore store;
    private final HaDecider decider;
    private final Clock clock;
    private final ClusterConfig defaults;
    private final String advertise;
    private final String healthUrl;
    /** Local time (nanos) just before the last successful take or renewal of the leader key; null: not held. */
    private Long heldSince;
    private ClusterView lastView;
    private HaDecision last;

    public HaCycle(CoordinationStore store, HaDecider decider, Clock clock, ClusterConfig defaults, String advertise,
            String healthUrl) {
        this.store = store;
        this.decider = decider;
        this.clock = clock;
        this.defaults = defaults;
        this.advertise = advertise;
        this.healthUrl = healthUrl;
    }

    private String me() {
        return store.settings().member();
    }

    public HaDecision run(LocalState local, Map<String, PeerReport> peers) {
        HaDecision d;
        boolean storeFailed = false;
        try {
            d = decideAndApply(local, peers, true);
        } catch (PgWardenException e) {
            if (e.code() != ErrorCode.COORDINATION_UNAVAILABLE) {
                throw e;
            }
            storeFailed = true;
            d = withoutStore(e.getMessage(), local, peers);
        }
        if (d.action() == HaAction.FENCE || d.action() == HaAction.FOLLOW || d.action() == HaAction.CLONE) {
            heldSince = null;
        }
        if (!storeFailed) {
            // not after a failure: another call timeout spent here would delay a fence past the margin decided on
            try {
                store.publishMember(local.toMember(advertise, healthUrl, d.reason()));
            } catch (PgWardenException e) {
                log.debug("cluster {} member {}: publishing the member key: {}", store.settings().cluster(), me(),
                        e.getMessage());
            }
        }
        if (last == null || last.action() != d.action() || !last.leader().equals(d.leader())) {
            log.info("cluster {} member {}: {}", store.settings().cluster(), me(), d);
        } else {
            log.debug("cluster {} member {}: {}", store.settings().cluster(), me(), d);
        }
        last = d;
        return d;
    }

    /** The view of the last successful read, for {@code cluster status} and the failsafe list. */
    public Optional<ClusterView> lastView() {
        return Optional.ofNullable(lastView);
    }

    private ClusterConfig config() {
        return lastView == null ? defaults : lastView.config().orElse(defaults);
    }

    private HaDecision decideAndApply(LocalState local, Map<String, PeerReport> peers, boolean mayRetry) {
        long started = clock.nanoTime();
        ClusterView view = store.read();
        lastView = view;
        HaDecision d = decider.decide(view, local, config(), peers);
        boolean lost;
        switch (d.action()) {
            case INITIALIZE -> lost = view.initialize().isEmpty()
                    && !store.compareAndSet(SharedKey.INITIALIZE, Versioned.ABSENT, InitializeRecord.claimedBy(me()));
            case BOOTSTRAP_LEADER -> lost = !bootstrap(view, local, started);
            case RENEW -> {
                if (view.leaderName().filter(me()::equals).isPresent()) {
                    LeaderResult r = store.renewLeader(new LeaderStatus(me(), local.timeline(), local.position()));
                    if (!r.ours()) {
                        return HaDecision.of(HaAction.FENCE, r.holder().orElse(null), "could not renew the leader key ("
                                + r.describe() + "): fencing");
                    }
                    heldSince = started;
                    refreshFailsafe(view);
                    Optional<String> refused = HaDecider.switchoverProblem(view, me());
                    if (refused.isPresent()) {
                        store.delete(SharedKey.SWITCHOVER, view.versionOf(SharedKey.SWITCHOVER));
                        d = d.withReason(d.reason() + "; " + refused.get());
                    }
                    lost = false;
                } else {
                    lost = !take(started);
                }
            }
            case ACQUIRE_AND_PROMOTE -> {
                lost = view.leaderName().filter(me()::equals).isEmpty() && !take(started);
                if (!lost && view.switchover().filter(sw -> sw.to().equals(me())).isPresent()) {
                    store.delete(SharedKey.SWITCHOVER, view.versionOf(SharedKey.SWITCHOVER));
                }
            }
            case FENCE -> {
                if (view.leaderName().filter(me()::equals).isPresent()) {
                    store.releaseLeader();
                }
                lost = false;
            }
            case FOLLOW -> {
                if (view.leaderName().filter(me()::equals).isPresent()) {
                    store.releaseLeader();
                }
                lost = false;
            }
            default -> lost = false;
        }
        if (!lost) {
            return d;
        }
        if (!mayRetry) {
            return HaDecision.waiting("lost a race in the store twice in one cycle; trying again next cycle");
        }
        HaDecision again = decideAndApply(local, peers, false);
        return again.withReason("lost the race (" + d.action() + "); " + again.reason());
    }

    private boolean take(long started) {
        LeaderResult r = store.acquireLeader();
        if (r.ours()) {
            heldSince = started;
        }
        return r.ours();
    }

    private boolean bootstrap(ClusterView view, LocalState local, long started) {
        InitializeRecord done = InitializeRecord.claimedBy(me()).withSystemIdentifier(local.systemIdentifier());
        Optional<InitializeRecord> init = view.initialize();
        if (init.isEmpty()) {
            if (!store.compareAndSet(SharedKey.INITIALIZE, Versioned.ABSENT, done)) {
                return false;
            }
        } else if (init.get().systemIdentifier().isEmpty()
                && !store.compareAndSet(SharedKey.INITIALIZE, view.versionOf(SharedKey.INITIALIZE), done)) {
            return false;
        }
        if (view.config().isEmpty()) {
            store.compareAndSet(SharedKey.CONFIG, Versioned.ABSENT, defaults);
        }
        return take(started);
    }

    /** The leader keeps the failsafe list (member → health URL) equal to the members it sees. */
    private void refreshFailsafe(ClusterView view) {
        if (!config().failsafeMode()) {
            return;
        }
        Map<String, String> members = new TreeMap<>();
        view.members().forEach((name, m) -> members.put(name, m.value().healthUrl() == null ? "" : m.value().healthUrl()));
        members.putIfAbsent(me(), healthUrl == null ? "" : healthUrl);
        FailsafeState wanted = new FailsafeState(members);
        if (!view.failsafe().equals(Optional.of(wanted))) {
            store.compareAndSet(SharedKey.FAILSAFE, view.versionOf(SharedKey.FAILSAFE), wanted);
        }
    }

    private HaDecision withoutStore(String error, LocalState local, Map<String, PeerReport> peers) {
        ClusterConfig config = config();
        Optional<Duration> validFor = heldSince == null ? Optional.empty()
                : Optional.of(store.settings().ttl().minusNanos(clock.nanoTime() - heldSince));
        Duration nextAttempt = config.loopWait().plus(store.settings().callTimeout());
        Set<String> failsafe = new TreeSet<>();
        if (lastView != null) {
            lastView.failsafe().map(f -> f.members().keySet()).ifPresentOrElse(failsafe::addAll,
                    () -> failsafe.addAll(lastView.members().keySet()));
        }
        failsafe.remove(me());
        return decider.decideWithoutStore(error, local, config, validFor, nextAttempt, failsafe, peers);
    }
}

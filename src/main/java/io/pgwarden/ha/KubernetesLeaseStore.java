package io.pgwarden.ha;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgwarden.core.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CoordinationStore} on the Kubernetes API (fabric8): {@code coordination.k8s.io/v1} Leases and ConfigMaps in
 * one namespace, all labelled {@value #CLUSTER_LABEL}{@code =<cluster>}.
 * <ul>
 *   <li>Lease {@code <cluster>-leader}: holderIdentity = the leader, leaseDurationSeconds = the TTL, annotation
 *       {@value #STATUS_ANNOTATION} = the {@link LeaderStatus} (kept when the holder goes). Released = holder
 *       cleared.</li>
 *   <li>Lease {@code <cluster>-member-<name>} per member, annotation {@value #MEMBER_ANNOTATION} = its
 *       {@link MemberState}. One Lease per member rather than one shared ConfigMap: each member writes only its own
 *       object, so members never conflict on a resourceVersion; a Lease is the API's object for heartbeats (kubelets
 *       use them), is small, is not mounted into pods, and times out exactly like the leader Lease.</li>
 *   <li>ConfigMap {@code <cluster>-<key>} per shared key ({@link KubernetesSharedKeys}).</li>
 * </ul>
 * Every conditional write is an update carrying the resourceVersion read (optimistic concurrency: a 409 is a lost
 * race). Kubernetes does not expire anything: a record written by another node counts as expired once it stayed
 * unchanged for its full leaseDurationSeconds timed on this node's clock ({@link LeaseObservations}); this node's own
 * records expire {@code ttl} after its own last successful write, timed from before the write was sent, so it
 * considers its leadership gone no later than any observer does.
 *
 * <p>Consistency of {@link #read()}: one list of the cluster's Leases and one of its ConfigMaps; each object is
 * consistent by itself, and every decision taken on it is written conditionally on that object's resourceVersion.
 * Timeouts: this store uses its own client whose requests time out after a third of the call timeout, without
 * retries (a call makes at most three requests). {@link #awaitChange} polls every {@value #POLL_MILLIS} ms.
 */
public final class KubernetesLeaseStore implements CoordinationStore {
    public static final String CLUSTER_LABEL = "pgwarden.io/cluster";
    public static final String MEMBER_ANNOTATION = "pgwarden.io/member";
    public static final String STATUS_ANNOTATION = "pgwarden.io/leader-status";
    /** Two polls per second: a change is seen within half a second, at two list calls per poll. */
    static final long POLL_MILLIS = 500;
    private static final Logger log = LoggerFactory.getLogger(KubernetesLeaseStore.class);

    private final StoreSettings settings;
    private final String namespace;
    private final Clock clock;
    private final KubernetesClient client;
    private final String description;
    private final KubernetesErrors errors;
    private final KubernetesSharedKeys shared;
    private final LeaseTiming timing;
    private long revision;
    private String fingerprint = "";

    public KubernetesLeaseStore(KubernetesClient base, String namespace, StoreSettings settings, Clock clock) {
        this.settings = settings;
        this.namespace = namespace;
        this.clock = clock;
        int requestMillis = (int) Math.max(100, settings.callTimeout().toMillis() / 3);
        this.client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
                .withRequestTimeout(requestMillis).withConnectionTimeout(requestMillis)
                .withRequestRetryBackoffLimit(0).build()).build();
        this.description = "kubernetes " + client.getConfiguration().getMasterUrl() + " namespace " + namespace
                + " cluster " + settings.cluster() + " as " + settings.member();
        this.errors = new KubernetesErrors(description);
        this.shared = new KubernetesSharedKeys(client, namespace, settings.cluster(), errors);
        this.timing = new LeaseTiming(clock, settings.ttl(), settings.member());
    }

    @Override
    public StoreSettings settings() {
        return settings;
    }

    @Override
    public String describe() {
        return description;
    }

    private String me() {
        return settings.member();
    }

    String leaderName() {
        return settings.cluster() + "-leader";
    }

    String memberName(String member) {
        return settings.cluster() + "-member-" + member;
    }

    private static String holderOf(Lease lease) {
        return lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static long version(String resourceVersion) {
        return Long.parseLong(resourceVersion);
    }

    private record Listing(List<Lease> leases, List<ConfigMap> configMaps) {
    }

    private Listing list(String what) {
        try {
            return new Listing(
                    client.leases().inNamespace(namespace).withLabel(CLUSTER_LABEL, settings.cluster()).list().getItems(),
                    client.configMaps().inNamespace(namespace).withLabel(CLUSTER_LABEL, settings.cluster()).list()
                            .getItems());
        } catch (KubernetesClientException e) {
            throw errors.unavailable(what, e);
        }
    }

    @Override
    public synchronized ClusterView read() {
        Listing l = list("reading the cluster");
        Optional<LeaderRecord> leader = Optional.empty();
        Optional<LeaderStatus> status = Optional.empty();
        Map<String, Versioned<MemberState>> members = new TreeMap<>();
        Map<SharedKey<?>, Versioned<?>> values = new HashMap<>();
        StringBuilder fp = new StringBuilder();
        for (Lease lease : l.leases()) {
            String name = lease.getMetadata().getName();
            String holder = holderOf(lease);
            Map<String, String> ann = lease.getMetadata().getAnnotations() == null ? Map.of()
                    : lease.getMetadata().getAnnotations();
            if (name.equals(leaderName())) {
                if (ann.get(STATUS_ANNOTATION) != null) {
                    status = Optional.of(StoreCodec.decodeStatus("Lease " + name, ann.get(STATUS_ANNOTATION)));
                }
                boolean alive = timing.alive(lease, holder, timing.leaderWrittenAt());
                if (alive) {
                    leader = Optional.of(new LeaderRecord(holder, version(lease.getMetadata().getResourceVersion())));
                }
                fp.append(name).append(lease.getMetadata().getResourceVersion()).append(alive).append(';');
            } else if (name.startsWith(settings.cluster() + "-member-") && ann.get(MEMBER_ANNOTATION) != null) {
                boolean alive = timing.alive(lease, holder, holder != null && holder.equals(me()) ? timing.memberWrittenAt() : null);
                if (alive) {
                    try {
                        members.put(holder, new Versioned<>(StoreCodec.decodeMember("Lease " + name,
                                ann.get(MEMBER_ANNOTATION)), version(lease.getMetadata().getResourceVersion())));
                    } catch (RuntimeException e) {
                        log.warn("{}: ignoring Lease {}: {}", description, name, e.getMessage());
                    }
                }
                fp.append(name).append(lease.getMetadata().getResourceVersion()).append(alive).append(';');
            }
        }
        for (ConfigMap cm : l.configMaps()) {
            String name = cm.getMetadata().getName();
            fp.append(name).append(cm.getMetadata().getResourceVersion()).append(';');
            for (SharedKey<?> key : SharedKey.ALL) {
                if (name.equals(shared.objectName(key)) && !KubernetesSharedKeys.isTombstone(cm)) {
                    values.put(key, new Versioned<>(StoreCodec.decode(key, "ConfigMap " + name,
                            cm.getData().get(KubernetesSharedKeys.VALUE)), version(cm.getMetadata().getResourceVersion())));
                }
            }
        }
        if (!fp.toString().equals(fingerprint)) {
            fingerprint = fp.toString();
            revision++;
        }
        return new ClusterView(revision, leader, members, status, values);
    }

    private Lease getLease(String name, String what) {
        try {
            return client.leases().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw errors.unavailable(what, e);
        }
    }

    private Lease newLease(String name, String holder, Map<String, String> annotations) {
        ZonedDateTime now = ZonedDateTime.ofInstant(clock.now(), ZoneOffset.UTC);
        return new LeaseBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels(CLUSTER_LABEL, settings.cluster()).addToAnnotations(annotations).endMetadata()
                .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds((int) ttlSeconds())
                .withAcquireTime(now).withRenewTime(now).withLeaseTransitions(0).endSpec().build();
    }

    private long ttlSeconds() {
        return Math.max(1, (settings.ttl().toMillis() + 999) / 1000);
    }

    /** The holder now, after a lost race: re-read once. */
    private LeaderResult currentHolder(String what) {
        Lease now = getLease(leaderName(), what);
        String holder = now == null ? null : holderOf(now);
        return holder == null || holder.isEmpty() ? LeaderResult.absent()
                : holder.equals(me()) ? LeaderResult.won(me()) : LeaderResult.heldBy(holder);
    }

    @Override
    public synchronized LeaderResult acquireLeader() {
        String what = "taking the leader key";
        long started = clock.nanoTime();
        Lease current = getLease(leaderName(), what);
        try {
            if (current == null) {
                client.leases().inNamespace(namespace).resource(newLease(leaderName(), me(), Map.of())).create();
            } else {
                String holder = holderOf(current);
                boolean ours = me().equals(holder);
                if (!ours && timing.alive(current, holder, null)) {
                    return LeaderResult.heldBy(holder);
                }
                ZonedDateTime now = ZonedDateTime.ofInstant(clock.now(), ZoneOffset.UTC);
                var spec = current.getSpec();
                spec.setHolderIdentity(me());
                spec.setLeaseDurationSeconds((int) ttlSeconds());
                spec.setRenewTime(now);
                if (!ours) {
                    spec.setAcquireTime(now);
                    spec.setLeaseTransitions((spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions()) + 1);
                }
                client.leases().inNamespace(namespace).resource(current).update();
                if (!ours) {
                    log.info("{}: took the leader Lease from {}", description,
                            holder == null || holder.isEmpty() ? "nobody (released)" : holder + " (expired)");
                }
            }
        } catch (KubernetesClientException e) {
            if (KubernetesErrors.lostRace(e)) {
                LeaderResult r = currentHolder(what);
                return r.ours() ? LeaderResult.absent() : r;
            }
            throw errors.unavailable(what, e);
        }
        timing.leaderWritten(started);
        return LeaderResult.won(me());
    }

    @Override
    public synchronized LeaderResult renewLeader(LeaderStatus status) {
        String what = "renewing the leader key";
        long started = clock.nanoTime();
        Lease current = getLease(leaderName(), what);
        String holder = current == null ? null : holderOf(current);
        if (holder == null || holder.isEmpty()) {
            return LeaderResult.absent();
        }
        if (!holder.equals(me())) {
            return LeaderResult.heldBy(holder);
        }
        if (!timing.ownWriteFresh(timing.leaderWrittenAt())) {
            log.warn("{}: not renewing the leader Lease: its {}s passed since this node last wrote it", description,
                    ttlSeconds());
            return LeaderResult.absent();
        }
        current.getSpec().setRenewTime(ZonedDateTime.ofInstant(clock.now(), ZoneOffset.UTC));
        Map<String, String> ann = current.getMetadata().getAnnotations() == null ? new HashMap<>()
                : new HashMap<>(current.getMetadata().getAnnotations());
        ann.put(STATUS_ANNOTATION, StoreCodec.encode(status));
        current.getMetadata().setAnnotations(ann);
        try {
            client.leases().inNamespace(namespace).resource(current).update();
        } catch (KubernetesClientException e) {
            if (KubernetesErrors.lostRace(e)) {
                LeaderResult r = currentHolder(what);
                return r.ours() ? LeaderResult.absent() : r;
            }
            throw errors.unavailable(what, e);
        }
        timing.leaderWritten(started);
        return LeaderResult.won(me());
    }

    @Override
    public synchronized boolean releaseLeader() {
        String what = "releasing the leader key";
        Lease current = getLease(leaderName(), what);
        if (current == null || !me().equals(holderOf(current))) {
            return false;
        }
        current.getSpec().setHolderIdentity(null);
        try {
            client.leases().inNamespace(namespace).resource(current).update();
        } catch (KubernetesClientException e) {
            if (KubernetesErrors.lostRace(e)) {
                return false;
            }
            throw errors.unavailable(what, e);
        }
        timing.leaderWritten(null);
        log.info("{}: released the leader Lease", description);
        return true;
    }

    @Override
    public synchronized void publishMember(MemberState state) {
        String what = "publishing the member key";
        long started = clock.nanoTime();
        Map<String, String> ann = Map.of(MEMBER_ANNOTATION, StoreCodec.encode(state));
        Lease current = getLease(memberName(me()), what);
        try {
            if (current == null) {
                client.leases().inNamespace(namespace).resource(newLease(memberName(me()), me(), ann)).create();
            } else {
                current.getMetadata().setAnnotations(new HashMap<>(ann));
                current.getSpec().setHolderIdentity(me());
                current.getSpec().setLeaseDurationSeconds((int) ttlSeconds());
                current.getSpec().setRenewTime(ZonedDateTime.ofInstant(clock.now(), ZoneOffset.UTC));
                client.leases().inNamespace(namespace).resource(current).update();
            }
        } catch (KubernetesClientException e) {
            throw errors.unavailable(what, e);
        }
        timing.memberWritten(started);
    }

    @Override
    public synchronized void removeMember() {
        try {
            client.leases().inNamespace(namespace).withName(memberName(me())).delete();
        } catch (KubernetesClientException e) {
            throw errors.unavailable("removing the member key", e);
        }
        timing.memberWritten(null);
    }

    @Override
    public <T> boolean compareAndSet(SharedKey<T> key, long expectedVersion, T value) {
        return shared.compareAndSet(key, expectedVersion, value);
    }

    @Override
    public boolean delete(SharedKey<?> key, long expectedVersion) {
        return shared.delete(key, expectedVersion);
    }

    /**
     * Polls (Kubernetes has no cluster-wide revision to watch from): a change of any object's resourceVersion, or a
     * record that expired meanwhile, ends the wait. A failing API server just lets the wait run out.
     */
    @Override
    public boolean awaitChange(long since, Duration timeout) throws InterruptedException {
        long deadline = clock.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (this) {
                if (revision > since) {
                    return true;
                }
                try {
                    read();
                } catch (RuntimeException e) {
                    log.debug("{}: polling for changes: {}", description, e.getMessage());
                }
                if (revision > since) {
                    return true;
                }
            }
            long left = deadline - clock.nanoTime();
            if (left <= 0) {
                return false;
            }
            clock.sleep(Duration.ofNanos(Math.min(left, Duration.ofMillis(POLL_MILLIS).toNanos())));
        }
    }

    @Override
    public void close() {
        client.close();
    }
}

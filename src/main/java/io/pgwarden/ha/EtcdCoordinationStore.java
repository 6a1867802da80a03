package io.pgwarden.ha;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.pgwarden.core.Clock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CoordinationStore} on etcd v3 (3.4, 3.5) through the official jetcd client. Keys under
 * {@code /pgwarden/<cluster>/} ({@link StoreKeys}). One lease per node, with the TTL: the leader key and this member's
 * key are both bound to it, so they expire together when the node stops renewing. Every conditional write is one
 * transaction: acquire compares the leader key's create revision with 0, renew and release compare its value with
 * this member's name, compare-and-set and delete compare the mod revision read (0: create revision 0).
 *
 * <p>The lease is kept alive by this store's own calls ({@code keepAliveOnce} in {@link #renewLeader},
 * {@link #publishMember} and {@link #acquireLeader}), never by jetcd's background keep-alive: the lease must die when
 * the HA loop stops (a frozen agent), not live on in a client thread. This also avoids jetcd's trap where a
 * background keep-alive that missed its deadline drops the lease for good: here a lease found expired is replaced by
 * a new one and this member's key is written again at once; the leader key is not (it expired, and may be someone
 * else's by now: the caller must {@link #acquireLeader()} again).
 */
public final class EtcdCoordinationStore implements CoordinationStore {
    private static final Logger log = LoggerFactory.getLogger(EtcdCoordinationStore.class);

    private final StoreSettings settings;
    private final StoreKeys keys;
    private final Clock clock;
    private final Client client;
    private final KV kv;
    private final Lease leases;
    private final String description;
    private final EtcdChangeWatch changes;
    private long leaseId;
    private String lastMember;

    public EtcdCoordinationStore(List<URI> endpoints, StoreSettings settings, Clock clock) {
        this.settings = settings;
        this.keys = new StoreKeys(settings.cluster());
        this.clock = clock;
        this.description = "etcd " + endpoints.stream().map(URI::toString).collect(Collectors.joining(","))
                + " cluster " + settings.cluster() + " as " + settings.member();
        // jetcd's own retries (of an UNAVAILABLE answer) must stay inside our call timeout: 20 ms, then up to
        // 100 ms apart; the calls are bounded again by EtcdCall.
        this.client = Client.builder().endpoints(endpoints.toArray(URI[]::new))
                .connectTimeout(settings.callTimeout())
                .retryDelay(20).retryMaxDelay(100)
                .retryMaxDuration(settings.callTimeout())
                .waitForReady(false)
                .build();
        this.kv = client.getKVClient();
        this.leases = client.getLeaseClient();
        this.changes = new EtcdChangeWatch(client.getWatchClient(), bytes(keys.prefix()), description);
    }

    @Override
    public StoreSettings settings() {
        return settings;
    }

    @Override
    public String describe() {
        return description;
    }

    private EtcdCall call(String what) {
        return new EtcdCall(description, what, clock, settings.callTimeout());
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String text(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    private String me() {
        return settings.member();
    }

    /** Whole seconds, rounded up: etcd lease TTLs are seconds. */
    private long ttlSeconds() {
        return Math.max(1, (settings.ttl().toMillis() + 999) / 1000);
    }

    @Override
    public ClusterView read() {
        EtcdCall c = call("reading the cluster");
        GetResponse r = c.await(kv.get(bytes(keys.prefix()), GetOption.builder().isPrefix(true).build()));
        List<KeyValueViews.RawKey> raw = new ArrayList<>();
        for (KeyValue kvp : r.getKvs()) {
            raw.add(new KeyValueViews.RawKey(text(kvp.getKey()), text(kvp.getValue()), kvp.getModRevision()));
        }
        return KeyValueViews.assemble(keys, r.getHeader().getRevision(), raw);
    }

    /**
     * Refreshes this node's lease, or grants one when it has none or etcd says it expired; after a new grant the
     * member key is written again (it died with the old lease). Returns the live lease id.
     */
    private synchronized long liveLease(EtcdCall c) {
        boolean replacing = leaseId != 0;
        if (replacing) {
            try {
                LeaseKeepAliveResponse r = c.await(leases.keepAliveOnce(leaseId));
                if (r.getTTL() > 0) {
                    return leaseId;
                }
            } catch (io.pgwarden.core.PgWardenException e) {
                if (!(e.getCause() instanceof EtcdException ee
                        && ee.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.NOT_FOUND)) {
                    throw e;
                }
            }
            log.warn("{}: lease {} expired (its keys are gone); granting a new one", description,
                    Long.toHexString(leaseId));
            leaseId = 0;
        }
        leaseId = c.await(leases.grant(ttlSeconds())).getID();
        if (replacing && lastMember != null) {
            c.await(kv.put(bytes(keys.member(me())), bytes(lastMember),
                    PutOption.builder().withLeaseId(leaseId).build()));
            log.info("{}: member key written again under lease {}", description, Long.toHexString(leaseId));
        }
        return leaseId;
    }

    @Override
    public LeaderResult acquireLeader() {
        EtcdCall c = call("taking the leader key");
        long lease = liveLease(c);
        ByteSequence leader = bytes(keys.leader());
        TxnResponse r = c.await(kv.txn()
                .If(new Cmp(leader, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(leader, bytes(me()), PutOption.builder().withLeaseId(lease).build()))
                .Else(Op.get(leader, GetOption.DEFAULT))
                .commit());
        if (r.isSucceeded()) {
            log.info("{}: took the leader key", description);
            return LeaderResult.won(me());
        }
        return holderIn(r);
    }

    private LeaderResult holderIn(TxnResponse r) {
        List<KeyValue> kvs = r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
        if (kvs.isEmpty()) {
            return LeaderResult.absent();
        }
        String holder = text(kvs.get(0).getValue());
        return holder.equals(me()) ? LeaderResult.won(me()) : LeaderResult.heldBy(holder);
    }

    @Override
    public LeaderResult renewLeader(LeaderStatus status) {
        EtcdCall c = call("renewing the leader key");
        liveLease(c);
        ByteSequence leader = bytes(keys.leader());
        TxnResponse r = c.await(kv.txn()
                .If(new Cmp(leader, Cmp.Op.EQUAL, CmpTarget.value(bytes(me()))))
                .Then(Op.put(bytes(keys.status()), bytes(StoreCodec.encode(status)), PutOption.DEFAULT))
                .Else(Op.get(leader, GetOption.DEFAULT))
                .commit());
        if (r.isSucceeded()) {
            return LeaderResult.won(me());
        }
        LeaderResult lost = holderIn(r);
        log.warn("{}: could not renew the leader key: {}", description, lost.describe());
        return lost.ours() ? LeaderResult.absent() : lost;
    }

    @Override
    public boolean releaseLeader() {
        EtcdCall c = call("releasing the leader key");
        ByteSequence leader = bytes(keys.leader());
        TxnResponse r = c.await(kv.txn()
                .If(new Cmp(leader, Cmp.Op.EQUAL, CmpTarget.value(bytes(me()))))
                .Then(Op.delete(leader, DeleteOption.DEFAULT))
                .commit());
        if (r.isSucceeded()) {
            log.info("{}: released the leader key", description);
        }
        return r.isSucceeded();
    }

    @Override
    public void publishMember(MemberState state) {
        EtcdCall c = call("publishing the member key");
        String json = StoreCodec.encode(state);
        long lease;
        synchronized (this) {
            lastMember = json;
            lease = liveLease(c);
        }
        c.await(kv.put(bytes(keys.member(me())), bytes(json), PutOption.builder().withLeaseId(lease).build()));
    }

    @Override
    public void removeMember() {
        EtcdCall c = call("removing the member key");
        synchronized (this) {
            lastMember = null;
        }
        c.await(kv.delete(bytes(keys.member(me()))));
    }

    @Override
    public <T> boolean compareAndSet(SharedKey<T> key, long expectedVersion, T value) {
        EtcdCall c = call("writing " + key);
        ByteSequence k = bytes(keys.shared(key));
        Cmp condition = expectedVersion == Versioned.ABSENT
                ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
                : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedVersion));
        return c.await(kv.txn().If(condition)
                .Then(Op.put(k, bytes(StoreCodec.encode(value)), PutOption.DEFAULT)).commit()).isSucceeded();
    }

    @Override
    public boolean delete(SharedKey<?> key, long expectedVersion) {
        if (expectedVersion == Versioned.ABSENT) {
            return false;
        }
        EtcdCall c = call("deleting " + key);
        ByteSequence k = bytes(keys.shared(key));
        return c.await(kv.txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedVersion)))
                .Then(Op.delete(k, DeleteOption.DEFAULT)).commit()).isSucceeded();
    }

    @Override
    public boolean awaitChange(long revision, Duration timeout) throws InterruptedException {
        return changes.await(revision, timeout);
    }

    @Override
    public void close() {
        changes.close();
        client.close();
    }
}

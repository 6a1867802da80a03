package io.pgwarden.ha;

import java.time.Duration;

/**
 * Where the members of one cluster elect their leader and publish their state: an existing coordination store
 * (etcd, the Kubernetes API), never a consensus of our own. One instance speaks for one member of one cluster
 * ({@link #settings()}). Implementations: {@link EtcdCoordinationStore}, {@link KubernetesLeaseStore}, and the
 * in-memory fake of the tests; all pass the same contract test suite.
 *
 * <h2>Keys</h2>
 * <ul>
 *   <li>{@code leader}: the name of the member that holds the leader lock. It lives {@link StoreSettings#ttl()}
 *       after the holder's last successful {@link #acquireLeader()} / {@link #renewLeader} / {@link #publishMember},
 *       then it is gone (etcd: the node's lease expires; Kubernetes: the record stayed unchanged for a full lease
 *       duration timed on <em>this</em> node's clock, never the holder's {@code renewTime}).</li>
 *   <li>{@code members/<name>}: each member's {@link MemberState}, with the same TTL as the leader key (one lease per
 *       node: the two keys of one node expire together).</li>
 *   <li>{@code status}: the {@link LeaderStatus} of the last successful renewal, no TTL.</li>
 *   <li>the {@link SharedKey}s ({@code initialize, config, sync, switchover, failsafe, history}): no TTL, changed only
 *       by {@link #compareAndSet} / {@link #delete}.</li>
 * </ul>
 *
 * <h2>Atomicity</h2>
 * Every write is one atomic operation of the store (an etcd transaction comparing the key's create or mod revision,
 * or its value; a Kubernetes update on {@code resourceVersion}): it happens entirely or not at all, and a
 * conditional write whose condition does not hold changes nothing. {@link #read()} returns one consistent view
 * (etcd: one range read at one revision; Kubernetes: one list of the cluster's Leases and one of its ConfigMaps,
 * each object consistent by itself). Between two members, exactly
 * one of two concurrent {@link #acquireLeader()} calls (or two compare-and-sets with the same expected version) wins.
 *
 * <h2>Results versus failures</h2>
 * Losing a race is a result, never an exception: {@link LeaderResult#ours()} is false, a compare-and-set returns
 * false. A store that cannot be reached, refuses the call, or does not answer within
 * {@link StoreSettings#callTimeout()} makes the call throw {@link io.pgwarden.core.PgWardenException} with
 * {@link io.pgwarden.core.ErrorCode#COORDINATION_UNAVAILABLE}; the caller then does not know whether a write
 * happened (an etcd transaction may have committed before the answer was lost) and must read again. A key that
 * holds something pgwarden cannot decode throws {@link io.pgwarden.core.ErrorCode#INVALID_INPUT} naming the key.
 *
 * <h2>Timeouts</h2>
 * Every call returns or throws within {@link StoreSettings#callTimeout()} (plus scheduling noise); no call retries
 * past it. {@link #awaitChange} is bounded by its own argument.
 */
public interface CoordinationStore extends AutoCloseable {

    /** The cluster and member this store speaks for, the TTL and the call timeout. */
    StoreSettings settings();

    /** A short description for logs and errors: {@code "etcd http://127.0.0.1:2379 cluster c1 as a"}. */
    String describe();

    /**
     * Reads the whole cluster in one consistent view.
     *
     * @throws io.pgwarden.core.PgWardenException COORDINATION_UNAVAILABLE when the store cannot be read in time
     */
    ClusterView read();

    /**
     * Takes the leader key for this member, with the TTL, only if nobody holds it (or it already is this member's).
     * With one lease per node (etcd) this also refreshes the member key's TTL.
     *
     * @return won, or held by the member that holds it
     * @throws io.pgwarden.core.PgWardenException COORDINATION_UNAVAILABLE; the key may then be ours: read again
     */
    LeaderResult acquireLeader();

    /**
     * Extends the leader key's TTL only if this member still holds it, and in the same atomic write records
     * {@code status} (the leader's position). A key that expired is not re-created: this returns absent (or held by
     * whoever took it), and the caller must fence and, if it still may lead, {@link #acquireLeader()} again.
     *
     * @throws io.pgwarden.core.PgWardenException COORDINATION_UNAVAILABLE: the key may expire meanwhile
     */
    LeaderResult renewLeader(LeaderStatus status);

    /**
     * Deletes the leader key only if this member holds it (a clean stop or a switchover), so peers need not wait
     * for the TTL. Returns false when it was not ours (or already gone).
     */
    boolean releaseLeader();

    /** Writes this member's state in its member key with the TTL (the same lease as its leader key). */
    void publishMember(MemberState state);

    /** Deletes this member's key (a clean stop); its leader key, if any, is not touched. */
    void removeMember();

    /**
     * Sets a shared key only if its version is still {@code expectedVersion} ({@link Versioned#ABSENT}: only if it
     * does not exist, i.e. create). Returns false, changing nothing, when someone changed it first.
     */
    <T> boolean compareAndSet(SharedKey<T> key, long expectedVersion, T value);

    /** Deletes a shared key only if its version is still {@code expectedVersion}; false when it changed or is gone. */
    boolean delete(SharedKey<?> key, long expectedVersion);

    /**
     * Waits until something in the cluster changed after the view with {@code revision} was read (a write by any
     * member, an expiry), at most {@code timeout}; the HA loop calls this instead of sleeping, so it wakes early when
     * the leader key goes. Returns true on a change, false on timeout. Never throws for an unreachable store (it
     * returns false after the timeout, and the next {@link #read()} reports the failure). It may wake without a change
     * of this cluster (another cluster's write in a shared store): a spurious wake costs one extra cycle, nothing else.
     */
    boolean awaitChange(long revision, Duration timeout) throws InterruptedException;

    /** Closes the client. The keys of this member are left to expire by their TTL. */
    @Override
    void close();
}

/**
 * High availability: the leader election and member state of a cluster of pgwarden nodes, kept in an existing
 * coordination store, never a home-made consensus. {@link io.pgwarden.ha.CoordinationStore} is the contract
 * (atomicity, timeouts and failures of every call); {@link io.pgwarden.ha.EtcdCoordinationStore} (jetcd) and
 * {@link io.pgwarden.ha.KubernetesLeaseStore} (fabric8, {@code coordination.k8s.io/v1} Leases) implement it.
 * {@link io.pgwarden.ha.ClusterView} is the one consistent view a cycle reads; the values it carries
 * ({@link io.pgwarden.ha.MemberState}, {@link io.pgwarden.ha.ClusterConfig}, {@link io.pgwarden.ha.SyncState},
 * {@link io.pgwarden.ha.Switchover}, ...) are records encoded as JSON by {@link io.pgwarden.ha.StoreCodec}, the same
 * bytes in every store. {@link io.pgwarden.ha.HaDecider} is the pure decision of one HA cycle: view + this node's
 * observed state → {@link io.pgwarden.ha.HaDecision} with its reason; it calls no instance code. Depends on
 * {@code core}, {@code pg}, {@code topology} and (through {@code InstanceControl}, to come) {@code instance}.
 */
package io.pgwarden.ha;

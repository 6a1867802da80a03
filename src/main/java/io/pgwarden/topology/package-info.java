/**
 * Cluster topology and endpoint publishing: probing every node in parallel ({@link io.pgwarden.topology.NodeProbe},
 * {@link io.pgwarden.topology.ClusterProbe}) into an immutable {@link io.pgwarden.topology.ClusterSnapshot}, the pure
 * decision of who serves read-write and read-only traffic ({@link io.pgwarden.topology.TopologyDecider}), and the
 * publishers that point clients at the result ({@link io.pgwarden.topology.EndpointPublisher}: Kubernetes Endpoints and
 * EndpointSlices, PgBouncer, a JSON file). {@link io.pgwarden.topology.ReconcileCommand} runs one cycle,
 * {@link io.pgwarden.topology.WatchLoop} runs them continuously. Depends on {@code core} and {@code pg} only.
 */
package io.pgwarden.topology;

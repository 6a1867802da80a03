/**
 * Health and metrics of a pgwarden agent, over one HTTP server (the JDK {@code HttpServer}):
 * probe endpoints whose meaning load balancers and Kubernetes rely on ({@code /liveness},
 * {@code /readiness}, {@code /primary}, {@code /replica}, {@code /read-only}, {@code /health}),
 * the JSON status document every probe returns, and Prometheus metrics through Micrometer.
 *
 * <p>This package only reads status: it defines {@link io.pgwarden.health.StatusSource} and the
 * immutable {@link io.pgwarden.health.NodeStatus} snapshot, probes PostgreSQL over JDBC with
 * {@link io.pgwarden.health.PostgresStatusProbe}, and tracks loop heartbeats. The agent adapts the
 * capability packages (instance, migrate, topology) to these interfaces; nothing here changes a
 * server. Nothing imports this package except {@code agent} and {@code cli}.
 */
package io.pgwarden.health;

/**
 * The long-running agent: the one place that wires capabilities together. {@code pgwarden sidecar}
 * ({@link io.pgwarden.agent.SidecarAgent}) watches a PostgreSQL it does not own; {@code pgwarden run}
 * owns its PostgreSQL. Both start the health server first ({@link io.pgwarden.agent.AgentHealth}), so
 * liveness answers before any database work, then run their loops with heartbeats, and stop cleanly
 * on SIGTERM ({@link io.pgwarden.agent.StopSignal}). Nothing imports this package except the CLI.
 */
package io.pgwarden.agent;

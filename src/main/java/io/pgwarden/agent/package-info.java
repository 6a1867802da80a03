/**
 * The agents: the one place that wires capabilities together. Each long-running agent is a list of
 * {@link io.pgwarden.agent.AgentLoop}s ({@link io.pgwarden.agent.Agent}{@code .add(loop)...run(stop)}), each run by
 * one {@link io.pgwarden.agent.LoopRunner} (thread, injected clock, heartbeat, catch-all, the last cycle's reason on
 * /health): {@code pgwarden run}/{@code up} ({@link io.pgwarden.agent.RunAgent}, which owns its PostgreSQL through an
 * {@code InstanceControl}), {@code sidecar} ({@link io.pgwarden.agent.SidecarAgent}), {@code endpoints watch}
 * ({@link io.pgwarden.agent.EndpointsAgent}) and {@code migrate watch} ({@link io.pgwarden.agent.MigrateWatchAgent}).
 * One-shot wiring lives here too ({@link io.pgwarden.agent.EndpointsRuntime}, {@link io.pgwarden.agent.NodeReport},
 * {@link io.pgwarden.agent.RejoinNode}), so the CLI only parses and prints. One stop request for the whole program:
 * {@link io.pgwarden.agent.StopSignal}. Nothing imports this package except the CLI.
 */
package io.pgwarden.agent;

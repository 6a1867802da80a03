package io.pgwarden.topology;

/**
 * Reads one node's state. Contract: never throws for a node that is down, refuses, times out or answers
 * garbage: that is an {@link NodeState#unreachable unreachable} state with the reason. Gives up by
 * {@code deadlineNanos} (a {@link io.pgwarden.core.Clock#nanoTime()} value), retrying a fast failure at most a
 * bounded number of times before it.
 */
public interface NodeProbe {
    NodeState probe(NodeAddress address, long deadlineNanos);
}

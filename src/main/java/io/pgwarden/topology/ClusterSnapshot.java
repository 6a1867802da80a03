package io.pgwarden.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of every node of the node list, probed once. Immutable; a control loop reads exactly one per
 * cycle. Nodes keep the order of the node list.
 *
 * @param takenAt when probing started
 * @param elapsed how long probing all nodes took
 */
public record ClusterSnapshot(Instant takenAt, Duration elapsed, List<NodeState> nodes) {
    public ClusterSnapshot {
        nodes = List.copyOf(nodes);
    }

    /**
     * A snapshot whose replicas carry their byte lag against the primary, when exactly one primary answered
     * (with none or several there is no reference point, and lag stays unknown).
     */
    public static ClusterSnapshot of(Instant takenAt, Duration elapsed, List<NodeState> nodes) {
        List<NodeState> primaries = nodes.stream().filter(NodeState::isPrimary).toList();
        if (primaries.size() != 1) {
            return new ClusterSnapshot(takenAt, elapsed, nodes);
        }
        NodeState primary = primaries.get(0);
        List<NodeState> out = new ArrayList<>(nodes.size());
        for (NodeState n : nodes) {
            if (n.isReplica() && n.replayLsn() != null && primary.currentLsn() != null) {
                out.add(n.withLagBytes(primary.currentLsn().bytesAfter(n.replayLsn())));
            } else {
                out.add(n);
            }
        }
        return new ClusterSnapshot(takenAt, elapsed, out);
    }

    public List<NodeState> primaries() {
        return nodes.stream().filter(NodeState::isPrimary).toList();
    }

    public List<NodeState> replicas() {
        return nodes.stream().filter(NodeState::isReplica).toList();
    }

    public List<NodeState> unreachable() {
        return nodes.stream().filter(n -> !n.reachable()).toList();
    }
}

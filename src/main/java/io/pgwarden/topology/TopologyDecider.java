package io.pgwarden.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The pure decision: given one snapshot (and what was last published), who serves read-write and read-only
 * traffic. No I/O, no clock: the same input always gives the same decision.
 * <ul>
 * <li>no reachable primary: NO_PRIMARY, nothing changes;</li>
 * <li>two or more reachable primaries: SPLIT_BRAIN, nothing changes;</li>
 * <li>exactly one: read-write is that primary; read-only is every reachable replica whose WAL receiver is
 * streaming from it (its sender is the primary's address; or, when the sender is not in the node list, such as a
 * Service name, a replica with the primary's system identifier and timeline), within the {@link LagLimit}.</li>
 * </ul>
 */
public final class TopologyDecider {
    private final LagLimit lagLimit;

    public TopologyDecider(LagLimit lagLimit) {
        this.lagLimit = Objects.requireNonNull(lagLimit, "lagLimit");
    }

    /**
     * @param lastPublished the endpoints the caller last published successfully, or null when unknown (a one-shot
     *                      reconcile): then a healthy cluster always gives PUBLISH and publishers compare themselves
     */
    public TopologyDecision decide(ClusterSnapshot snapshot, DesiredEndpoints lastPublished) {
        List<NodeState> primaries = snapshot.primaries();
        List<NodeAddress> primaryAddresses = primaries.stream().map(NodeState::address).toList();
        if (primaries.isEmpty()) {
            int n = snapshot.nodes().size();
            String reason = "no reachable primary among " + n + (n == 1 ? " node (" : " nodes (")
                    + describeAll(snapshot.nodes()) + "); endpoints were left unchanged";
            return new TopologyDecision(TopologyOutcome.NO_PRIMARY, null, primaryAddresses, List.of(), reason, snapshot);
        }
        if (primaries.size() > 1) {
            String reason = "split brain: " + primaries.size() + " primaries ("
                    + describeAll(primaries) + "); endpoints were left unchanged. Stop or demote all but one primary";
            return new TopologyDecision(TopologyOutcome.SPLIT_BRAIN, null, primaryAddresses, List.of(), reason, snapshot);
        }
        NodeState primary = primaries.get(0);
        List<NodeAddress> readOnly = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        for (NodeState replica : snapshot.replicas()) {
            String why = exclusion(replica, primary, snapshot);
            if (why == null) {
                readOnly.add(replica.address());
            } else {
                leftOut.add(replica.address() + " (" + why + ")");
            }
        }
        List<NodeAddress> down = snapshot.unreachable().stream().map(NodeState::address).toList();
        DesiredEndpoints endpoints = new DesiredEndpoints(primary.address(), readOnly, down);
        boolean same = endpoints.equals(lastPublished);
        StringBuilder reason = new StringBuilder(same ? "unchanged: " : "")
                .append("primary ").append(primary.address()).append(" (timeline ").append(primary.timeline()).append(")")
                .append("; read-only ").append(endpoints.replicas().isEmpty() ? "none" : endpoints.replicas());
        if (!leftOut.isEmpty()) {
            reason.append("; left out ").append(String.join(", ", leftOut));
        }
        if (!down.isEmpty()) {
            reason.append("; down ").append(snapshot.unreachable().stream()
                    .map(n -> n.address() + " (" + n.error() + ")").collect(Collectors.joining(", ")));
        }
        return new TopologyDecision(same ? TopologyOutcome.UNCHANGED : TopologyOutcome.PUBLISH, endpoints,
                primaryAddresses, leftOut, reason.toString(), snapshot);
    }

    /** Why {@code replica} must not serve read-only traffic for {@code primary}, or null when it may. */
    private String exclusion(NodeState replica, NodeState primary, ClusterSnapshot snapshot) {
        WalReceiver receiver = replica.walReceiver();
        if (receiver == null) {
            return "no WAL receiver running";
        }
        if (!receiver.streaming()) {
            return "WAL receiver " + receiver.status() + ", not streaming";
        }
        if (primary.systemIdentifier() != null && replica.systemIdentifier() != null
                && !primary.systemIdentifier().equals(replica.systemIdentifier())) {
            return "different cluster: system identifier " + replica.systemIdentifier() + ", primary's "
                    + primary.systemIdentifier();
        }
        if (!sendsTo(receiver, primary.address())) {
            boolean senderIsOtherNode = snapshot.nodes().stream().anyMatch(n -> sendsTo(receiver, n.address()));
            if (senderIsOtherNode) {
                return "streams from " + receiver.sender() + ", not from the primary";
            }
            if (replica.timeline() != primary.timeline()) {
                return "streams from " + receiver.sender() + " on timeline " + replica.timeline()
                        + ", the primary is on timeline " + primary.timeline();
            }
        }
        return lagLimit.exceededBy(replica);
    }

    private static boolean sendsTo(WalReceiver receiver, NodeAddress node) {
        return receiver.senderPort() == node.port() && sameHost(receiver.senderHost(), node.host());
    }

    private static boolean sameHost(String a, String b) {
        return a != null && (a.equalsIgnoreCase(b) || (isLoopback(a) && isLoopback(b)));
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    private static String describeAll(List<NodeState> nodes) {
        return nodes.stream().map(NodeState::describe).collect(Collectors.joining("; "));
    }
}

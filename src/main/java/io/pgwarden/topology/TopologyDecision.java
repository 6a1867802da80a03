package io.pgwarden.topology;

import java.util.List;

/**
 * The result of deciding one snapshot: what to do, with a sentence saying why (logged and shown over HTTP).
 *
 * @param outcome   what to do
 * @param endpoints the endpoints to publish (PUBLISH, UNCHANGED); null for NO_PRIMARY and SPLIT_BRAIN
 * @param primaries every reachable primary (two or more on SPLIT_BRAIN)
 * @param leftOut   reachable replicas kept out of read-only, each with why
 * @param reason    human-readable explanation naming the nodes
 * @param snapshot  the snapshot this was decided from
 */
public record TopologyDecision(TopologyOutcome outcome, DesiredEndpoints endpoints, List<NodeAddress> primaries,
        List<String> leftOut, String reason, ClusterSnapshot snapshot) {
    public TopologyDecision {
        primaries = List.copyOf(primaries);
        leftOut = List.copyOf(leftOut);
    }
}

package io.pgwarden.agent;

import io.pgwarden.core.Lsn;
import io.pgwarden.instance.ReplicationDetails;
import io.pgwarden.topology.NodeState;
import io.pgwarden.core.Clock;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.topology.JdbcNodeProbe;
import io.pgwarden.topology.NodeAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code pgwarden status} shows for one node ({@link #probe}: the probing moved here from the CLI): the topology probe's {@link NodeState} (role, timeline,
 * LSNs, WAL receiver), the lag against its upstream's current LSN, and the slots from {@link ReplicationDetails}.
 *
 * @param lagBytes the upstream's current LSN minus this node's replay LSN; null on a primary or when the
 *                 upstream cannot be reached
 */
public record NodeReport(NodeState state, Long lagBytes, ReplicationDetails details) {

    /** Long enough for a busy server to answer, short enough for an interactive command. */
    static final Duration PROBE_DEADLINE = Duration.ofSeconds(10);

    /**
     * Probes {@code spec}'s node and, for a streaming replica, its upstream (for the lag in bytes); reads the slots.
     * Never throws for an unreachable node: the report says so ({@code state().reachable()} is false).
     */
    public static NodeReport probe(ConnectionSpec spec, Clock clock) {
        JdbcNodeProbe probe = new JdbcNodeProbe(spec, clock);
        NodeState state = probe.probe(new NodeAddress(spec.host(), spec.port()), clock.nanoTime() + PROBE_DEADLINE.toNanos());
        if (!state.reachable()) {
            return new NodeReport(state, null, null);
        }
        Long lag = null;
        if (state.isReplica() && state.walReceiver() != null && state.replayLsn() != null) {
            NodeState up = probe.probe(new NodeAddress(state.walReceiver().senderHost(), state.walReceiver().senderPort()),
                    clock.nanoTime() + PROBE_DEADLINE.toNanos());
            if (up.isPrimary()) {
                lag = up.currentLsn().bytesAfter(state.replayLsn());
            }
        }
        ReplicationDetails details;
        try {
            details = ReplicationDetails.read(spec);
        } catch (java.sql.SQLException e) {
            details = null; // role and LSNs are still worth showing
        }
        return new NodeReport(state, lag, details);
    }

    /** Ordered fields, as JSON shows them; null values are kept so scripts see every key. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", state.address().toString());
        m.put("role", state.role().name().toLowerCase());
        if (!state.reachable()) {
            m.put("error", state.error());
            return m;
        }
        m.put("timeline", state.timeline());
        m.put("current_lsn", text(state.currentLsn()));
        m.put("receive_lsn", text(state.receiveLsn()));
        m.put("replay_lsn", text(state.replayLsn()));
        m.put("lag_bytes", lagBytes);
        m.put("lag_seconds", state.replayLag() == null ? null : seconds(state.replayLag()));
        m.put("upstream", state.walReceiver() == null ? null : state.walReceiver().sender());
        m.put("upstream_status", state.walReceiver() == null ? null : state.walReceiver().status());
        m.put("slot", details == null ? null : details.receiverSlot());
        m.put("replay_paused", state.replayPaused());
        if (details != null && state.isPrimary()) {
            m.put("replicas", details.downstream().stream().map(NodeReport::replica).toList());
        }
        return m;
    }

    /** {@code key  value} lines, then one line per replica of a primary. */
    public List<String> table() {
        List<String> lines = new java.util.ArrayList<>();
        fields().forEach((k, v) -> {
            if (k.equals("replicas")) {
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> replicas = (List<Map<String, Object>>) v;
                lines.add(String.format("%-16s %d", "replicas", replicas.size()));
                for (Map<String, Object> r : replicas) {
                    lines.add(String.format("  %-14s %s, %s, slot %s, lag %s bytes%s", r.get("name"), dash(r.get("client")),
                            r.get("state"), dash(r.get("slot")), r.get("lag_bytes"),
                            r.get("lag_seconds") == null ? "" : ", " + r.get("lag_seconds") + " s"));
                }
            } else if (v != null && !(k.equals("replay_paused") && Boolean.FALSE.equals(v))) {
                lines.add(String.format("%-16s %s", k.replace('_', ' '), v));
            }
        });
        return lines;
    }

    private static Map<String, Object> replica(ReplicationDetails.Downstream d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("client", d.client());
        m.put("state", d.state());
        m.put("slot", d.slot());
        m.put("lag_bytes", d.lagBytes());
        m.put("lag_seconds", d.replayLag() == null ? null : seconds(d.replayLag()));
        return m;
    }

    private static String text(Lsn lsn) {
        return lsn == null ? null : lsn.toString();
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static String dash(Object o) {
        return o == null ? "-" : o.toString();
    }
}

package io.pgwarden.health;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgwarden.topology.DesiredEndpoints;
import io.pgwarden.topology.NodeAddress;
import io.pgwarden.topology.NodeState;
import io.pgwarden.topology.PublisherOutcome;
import io.pgwarden.topology.ReconcileResult;
import io.pgwarden.topology.TopologyDecision;
import io.pgwarden.topology.TopologyOutcome;
import io.pgwarden.topology.TopologyStatus;
import java.util.List;
import java.util.Optional;

/**
 * {@code /topology}: the last decision of {@code pgwarden endpoints watch} as JSON, 200 while routing is good and 503
 * when there is no decision yet, the last cycle failed, no primary answered, two primaries answered (split brain) or
 * a publisher failed, so a load balancer or an alert can key off the status code. Also the
 * {@code pgwarden_topology_*} series on {@code /metrics}.
 */
public final class TopologyEndpoint implements Route {
    /** The path this endpoint is served on. */
    public static final String PATH = "/topology";

    private final TopologyStatus status;

    public TopologyEndpoint(TopologyStatus status) {
        this.status = status;
    }

    /** Serves {@link #PATH} on {@code server} and registers the topology series in {@code meters}. */
    public static TopologyEndpoint install(HealthServer server, MeterRegistry meters, TopologyStatus status) {
        TopologyEndpoint endpoint = new TopologyEndpoint(status);
        server.addRoute(PATH, endpoint);
        FunctionCounter.builder("pgwarden.topology.cycles", status, s -> s.cycles())
                .description("Cycles of endpoints watch, failed ones included").register(meters);
        FunctionCounter.builder("pgwarden.topology.failed.cycles", status, s -> s.failedCycles())
                .description("Cycles of endpoints watch that failed before deciding (see lastError on /topology)")
                .register(meters);
        Gauge.builder("pgwarden.topology.split.brain", status, s -> s.lastResult()
                        .filter(r -> r.decision().outcome() == TopologyOutcome.SPLIT_BRAIN).isPresent() ? 1 : 0)
                .description("1 when the last decision found more than one primary, else 0").register(meters);
        return endpoint;
    }

    @Override
    public Response respond() {
        return render(status);
    }

    /** The status code and document for {@code status}; a pure function of what it returns. */
    static Response render(TopologyStatus status) {
        Optional<ReconcileResult> last = status.lastResult();
        String problem = problem(status, last);
        JsonWriter w = new JsonWriter().beginObject();
        w.field("status", problem == null ? "pass" : "fail");
        w.field("message", problem == null ? last.get().summary() : problem);
        if (last.isPresent()) {
            decision(w, last.get());
        } else {
            w.field("outcome", null).field("reason", null).field("primary", null);
        }
        w.field("lastCycleAt", status.lastCycleAt()).field("cycles", status.cycles())
                .field("failedCycles", status.failedCycles()).field("lastError", status.lastError());
        return new Response(problem == null ? 200 : 503, w.endObject().toString());
    }

    /** Why this is a 503, or null for 200. */
    private static String problem(TopologyStatus status, Optional<ReconcileResult> last) {
        if (last.isEmpty()) {
            return status.cycles() == 0 ? "no decision yet: the first cycle has not finished"
                    : "the last cycle failed: " + status.lastError();
        }
        ReconcileResult r = last.get();
        return r.error().isPresent() ? r.summary() : null;
    }

    private static void decision(JsonWriter w, ReconcileResult result) {
        TopologyDecision d = result.decision();
        DesiredEndpoints e = d.endpoints();
        w.field("outcome", d.outcome().name()).field("reason", d.reason());
        w.field("primary", e == null ? null : e.primary().toString());
        addresses(w, "primaries", d.primaries());
        addresses(w, "replicas", e != null ? e.replicas() : d.snapshot() == null ? List.of()
                : d.snapshot().replicas().stream().map(NodeState::address).toList());
        addresses(w, "down", e != null ? e.down() : d.snapshot() == null ? List.of()
                : d.snapshot().unreachable().stream().map(NodeState::address).toList());
        w.name("leftOut").beginArray();
        d.leftOut().forEach(w::value);
        w.endArray();
        w.field("splitBrain", d.outcome() == TopologyOutcome.SPLIT_BRAIN);
        w.field("signature", e == null ? null : e.signature());
        w.field("changed", result.changed());
        w.name("publishers").beginArray();
        for (PublisherOutcome p : result.publishers()) {
            w.beginObject().field("publisher", p.publisher()).field("result", p.result() == null ? null : p.result().name())
                    .field("error", p.error()).endObject();
        }
        w.endArray();
    }

    private static void addresses(JsonWriter w, String name, List<NodeAddress> list) {
        w.name(name).beginArray();
        list.forEach(a -> w.value(a.toString()));
        w.endArray();
    }
}

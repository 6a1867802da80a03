package io.pgwarden.topology;

import java.time.Instant;
import java.util.List;

/**
 * Points clients at the decided endpoints: Kubernetes Endpoints, a PgBouncer configuration, a file.
 *
 * <p>Contract, for every implementation:
 * <ul>
 * <li><b>Idempotent and convergent.</b> {@link #publish} compares the <em>full</em> desired state (read-write
 * and read-only targets, ports, markers) with what is actually there, and writes only what differs. Calling it
 * again after a partial failure repairs what the failure left behind; calling it when everything matches changes
 * nothing (returns {@link PublishResult#UNCHANGED}) and does not bump any "last change" time.</li>
 * <li><b>No routing change on split brain.</b> {@link #recordSplitBrain} only makes the condition visible (an
 * annotation, an event, a flag); it never changes where clients go.</li>
 * <li><b>Errors.</b> Failures are thrown as {@link io.pgwarden.core.PgWardenException} with
 * {@link io.pgwarden.core.ErrorCode#PUBLISH_FAILED}, naming the target object, the cause and what to check; the
 * cause is kept. Nothing else is thrown for an I/O or API failure.</li>
 * <li><b>Time.</b> Each call is bounded by the underlying client's timeouts (HTTP request timeout, JDBC connect and
 * socket timeouts); implementations do not retry, the next cycle does.</li>
 * <li><b>Threads.</b> Called from one thread at a time.</li>
 * </ul>
 */
public interface EndpointPublisher {
    /** What this publishes to, for logs: {@code kubernetes ns/pg-rw,pg-ro}, {@code file /run/pg.json}. */
    String name();

    /**
     * Makes the target match {@code endpoints}.
     *
     * @param now the time recorded as the last change, when something changes
     */
    PublishResult publish(DesiredEndpoints endpoints, Instant now);

    /**
     * Records that {@code primaries} (two or more) are all primaries, without changing routing.
     *
     * @param reason the decision's reason, for events and logs
     */
    void recordSplitBrain(List<NodeAddress> primaries, String reason, Instant now);
}

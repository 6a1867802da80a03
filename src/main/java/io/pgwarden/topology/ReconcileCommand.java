package io.pgwarden.topology;

import io.pgwarden.core.Clock;
import io.pgwarden.core.PgWardenException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile cycle: take one snapshot, decide, and hand the decision to every publisher. A publisher's failure
 * does not stop the others; it is reported in the result (exit code 4). On NO_PRIMARY nothing is published; on
 * SPLIT_BRAIN publishers only record the condition.
 */
public final class ReconcileCommand {
    private static final Logger log = LoggerFactory.getLogger(ReconcileCommand.class);

    private final Supplier<ClusterSnapshot> probe;
    private final TopologyDecider decider;
    private final List<EndpointPublisher> publishers;
    private final Clock clock;

    /** @param probe gives one fresh snapshot per call, e.g. {@link ClusterProbe#snapshot()} */
    public ReconcileCommand(Supplier<ClusterSnapshot> probe, TopologyDecider decider, List<EndpointPublisher> publishers,
            Clock clock) {
        this.probe = probe;
        this.decider = decider;
        this.publishers = List.copyOf(publishers);
        this.clock = clock;
    }

    /** A one-shot reconcile: every publisher compares the full desired state with what is there. */
    public ReconcileResult execute() {
        return execute(null);
    }

    /**
     * @param lastPublished what the caller last published successfully; when the decision equals it, publishers
     *                      are not called (UNCHANGED). Null makes every publisher compare.
     */
    public ReconcileResult execute(DesiredEndpoints lastPublished) {
        ClusterSnapshot snapshot = probe.get();
        TopologyDecision decision = decider.decide(snapshot, lastPublished);
        List<PublisherOutcome> outcomes = new ArrayList<>();
        switch (decision.outcome()) {
            case PUBLISH -> {
                for (EndpointPublisher p : publishers) {
                    outcomes.add(run(p, () -> p.publish(decision.endpoints(), clock.now())));
                }
            }
            case SPLIT_BRAIN -> {
                for (EndpointPublisher p : publishers) {
                    outcomes.add(run(p, () -> {
                        p.recordSplitBrain(decision.primaries(), decision.reason(), clock.now());
                        return PublishResult.SPLIT_BRAIN_RECORDED;
                    }));
                }
            }
            default -> {
                // UNCHANGED: nothing to do; NO_PRIMARY: leave clients where they are
            }
        }
        return new ReconcileResult(decision, outcomes);
    }

    private static PublisherOutcome run(EndpointPublisher publisher, Supplier<PublishResult> action) {
        try {
            return new PublisherOutcome(publisher.name(), action.get(), null);
        } catch (PartlyPublishedException e) {
            log.debug("{}: {}", publisher.name(), e.getMessage());
            return new PublisherOutcome(publisher.name(), PublishResult.CHANGED, e.getMessage());
        } catch (PgWardenException e) {
            log.debug("{}: {}", publisher.name(), e.getMessage()); // the caller logs the result with its reason
            return new PublisherOutcome(publisher.name(), null, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("{}: unexpected failure", publisher.name(), e);
            return new PublisherOutcome(publisher.name(), null, e.getClass().getSimpleName() + ": "
                    + io.pgwarden.core.Secrets.mask(String.valueOf(e.getMessage())));
        }
    }
}

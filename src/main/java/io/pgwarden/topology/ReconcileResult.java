package io.pgwarden.topology;

import io.pgwarden.core.ErrorCode;
import java.util.List;
import java.util.Optional;

/**
 * One reconcile cycle: the decision and what each publisher did with it.
 * Exit codes: 0 published or unchanged; 1 no primary; 3 split brain; 4 a publisher failed.
 */
public record ReconcileResult(TopologyDecision decision, List<PublisherOutcome> publishers) {
    public ReconcileResult {
        publishers = List.copyOf(publishers);
    }

    /** True when at least one publisher wrote something (even one that failed afterwards). */
    public boolean changed() {
        return publishers.stream().anyMatch(PublisherOutcome::changed);
    }

    public boolean publisherFailed() {
        return publishers.stream().anyMatch(PublisherOutcome::failed);
    }

    /** The error this cycle stands for, empty when it succeeded (published or nothing to change). */
    public Optional<ErrorCode> error() {
        return switch (decision.outcome()) {
            case NO_PRIMARY -> Optional.of(ErrorCode.FAILED);
            case SPLIT_BRAIN -> Optional.of(ErrorCode.SPLIT_BRAIN);
            default -> publisherFailed() ? Optional.of(ErrorCode.PUBLISH_FAILED) : Optional.empty();
        };
    }

    public int exitCode() {
        return error().map(ErrorCode::exitCode).orElse(0);
    }

    /**
     * One line: outcome, whether anything changed, the reason, and failed publishers. The outcome is
     * {@code changed} when any publisher wrote something (even if another failed), {@code publish failed} when
     * nothing was written because publishers failed, {@code unchanged} when everything already matched.
     */
    public String summary() {
        String what = switch (decision.outcome()) {
            case PUBLISH -> changed() ? "changed: " : publisherFailed() ? "publish failed: " : "unchanged: ";
            case UNCHANGED -> ""; // the decision's reason already starts with "unchanged: "
            case NO_PRIMARY -> "no primary: ";
            case SPLIT_BRAIN -> ""; // the decision's reason already starts with "split brain: "
        };
        StringBuilder sb = new StringBuilder(what).append(decision.reason());
        publishers.stream().filter(PublisherOutcome::failed)
                .forEach(p -> sb.append("; publisher ").append(p.publisher()).append(" failed: ").append(p.error()));
        return sb.toString();
    }
}

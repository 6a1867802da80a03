package io.pgwarden.topology;

/** What {@link EndpointPublisher#publish} did. */
public enum PublishResult {
    /** Something differed and was written. */
    CHANGED,
    /** Everything already matched; nothing was written. */
    UNCHANGED,
    /** Split brain: routing was left as it was, and the condition recorded ({@link EndpointPublisher#recordSplitBrain}). */
    SPLIT_BRAIN_RECORDED
}

package io.pgwarden.topology;

/** What {@link EndpointPublisher#publish} did. */
public enum PublishResult {
    /** Something differed and was written. */
    CHANGED,
    /** Everything already matched; nothing was written. */
    UNCHANGED
}

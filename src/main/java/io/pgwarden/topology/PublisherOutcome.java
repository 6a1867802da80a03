package io.pgwarden.topology;

/**
 * What one publisher did in one cycle. {@code error} (its message) is non-null when it threw; {@code result} is what
 * it did: {@link PublishResult#CHANGED} or {@link PublishResult#UNCHANGED} on success, and on failure
 * {@link PublishResult#CHANGED} when it had written something before failing ({@link PartlyPublishedException}),
 * otherwise null.
 */
public record PublisherOutcome(String publisher, PublishResult result, String error) {
    public boolean failed() {
        return error != null;
    }

    /** True when this publisher wrote something, even if it failed afterwards. */
    public boolean changed() {
        return result == PublishResult.CHANGED;
    }

    /** {@code file /x.json: CHANGED}, {@code ...: UNCHANGED}, {@code ...: FAILED <error>} or {@code ...: CHANGED, then FAILED <error>}. */
    @Override
    public String toString() {
        if (!failed()) {
            return publisher + ": " + (result == PublishResult.SPLIT_BRAIN_RECORDED
                    ? "routing UNCHANGED, split brain recorded" : result);
        }
        return publisher + ": " + (changed() ? "CHANGED, then FAILED " : "FAILED ") + error;
    }
}

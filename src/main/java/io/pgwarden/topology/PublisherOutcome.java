package io.pgwarden.topology;

/**
 * What one publisher did in one cycle: {@code result} when it succeeded, {@code error} (its message) when it
 * threw; exactly one of them is non-null.
 */
public record PublisherOutcome(String publisher, PublishResult result, String error) {
    public boolean failed() {
        return error != null;
    }

    @Override
    public String toString() {
        return publisher + ": " + (failed() ? "FAILED " + error : result);
    }
}

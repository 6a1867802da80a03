package io.pgwarden.migrate;

/** What {@code apply} does with a migration recorded as failed. */
public enum RetryPolicy {
    /** Refuse to run (validation fails) until {@code repair} removes the record: the default of a one-shot apply. */
    REFUSE,
    /** Run it again ({@code --retry-failed}): a transactional failure left nothing behind. */
    RETRY,
    /** Run it again only once its file changed; until then its chain waits. What {@code watch} uses. */
    RETRY_CHANGED
}

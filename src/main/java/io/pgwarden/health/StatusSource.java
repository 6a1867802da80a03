package io.pgwarden.health;

/**
 * Supplies the snapshot a health request reads. Implementations are thread-safe (the HTTP server
 * calls them from several threads) and must return quickly: any PostgreSQL query is bounded by a
 * timeout and its result cached, see {@link CachedPostgresStatus}.
 */
public interface StatusSource {
    /** How fresh the PostgreSQL part must be. */
    enum Freshness {
        /** Whatever was last observed; never does I/O (liveness must not depend on PostgreSQL). */
        LAST_KNOWN,
        /** Re-probes PostgreSQL if the cached observation is older than the cache time. */
        CURRENT
    }

    NodeStatus snapshot(Freshness freshness);
}

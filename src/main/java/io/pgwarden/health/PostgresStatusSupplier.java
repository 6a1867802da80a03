package io.pgwarden.health;

/** Gives the PostgreSQL part of a {@link NodeStatus}; thread-safe. */
public interface PostgresStatusSupplier {
    /** A recent observation, probing the server if the cached one is too old. */
    PostgresStatus current();

    /** The last observation, without any I/O. */
    PostgresStatus lastKnown();
}

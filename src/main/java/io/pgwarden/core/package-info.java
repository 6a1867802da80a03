/**
 * The vocabulary every other package speaks: the error model ({@link io.pgwarden.core.PgWardenException}
 * with an {@link io.pgwarden.core.ErrorCode} that maps to a documented exit code), value types
 * ({@link io.pgwarden.core.ByteSize}, {@link io.pgwarden.core.PgVersion}, {@link io.pgwarden.core.Lsn},
 * {@link io.pgwarden.core.Durations}), the injectable {@link io.pgwarden.core.Clock} and secret masking.
 * Depends on nothing else in pgwarden.
 */
package io.pgwarden.core;

package io.pgwarden.ha;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One store call against etcd with one deadline shared by all its RPCs (a renewal is a keep-alive then a
 * transaction: both together must fit in the call timeout). A timeout cancels the RPC; every failure becomes
 * COORDINATION_UNAVAILABLE saying what was being done, against which store, and why.
 */
final class EtcdCall {
    private final String store;
    private final String what;
    private final Clock clock;
    private final Duration timeout;
    private final long deadline;

    EtcdCall(String store, String what, Clock clock, Duration timeout) {
        this.store = store;
        this.what = what;
        this.clock = clock;
        this.timeout = timeout;
        this.deadline = clock.nanoTime() + timeout.toNanos();
    }

    <T> T await(CompletableFuture<T> future) {
        long left = deadline - clock.nanoTime();
        try {
            if (left <= 0) {
                throw new TimeoutException();
            }
            return future.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new PgWardenException(ErrorCode.COORDINATION_UNAVAILABLE, store + ": " + what + " timed out after "
                    + timeout.toMillis() + "ms; is etcd running and reachable?", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw failed(cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new PgWardenException(ErrorCode.COORDINATION_UNAVAILABLE, store + ": " + what + " was interrupted", e);
        }
    }

    PgWardenException failed(Throwable cause) {
        return new PgWardenException(ErrorCode.COORDINATION_UNAVAILABLE, store + ": " + what + " failed: "
                + cause.getMessage(), cause);
    }
}

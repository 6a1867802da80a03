package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A session being opened on a thread of its own while the caller reads the migration files: the two do not
 * depend on each other, and a run with nothing to do spends about as long on each (bench/migrate/README.md).
 * It connects without creating a missing database, so that unusable files still leave everything as it was: the
 * caller creates the database only once every file was read and parsed (see {@link ApplyCommand}). Errors come
 * out in the order of a sequential run: the caller reports problems with the files first and then
 * {@link #abandon()}s the session.
 */
final class PendingSession {
    private final MigrationSettings settings;
    private final FutureTask<MigrationSession> task;
    private final Thread thread;
    private volatile long connectNanos;
    /** The session the connect thread opened and nobody took yet; guarded by {@code this}. */
    private MigrationSession opened;
    /** Set by {@link #abandon()}: a session opened later is closed by the connect thread itself; guarded by {@code this}. */
    private boolean abandoned;

    private PendingSession(MigrationSettings settings, Clock clock) {
        this.settings = settings;
        this.task = new FutureTask<>(() -> {
            long start = clock.nanoTime();
            MigrationSession s;
            try {
                s = MigrationSession.open(settings, false, clock);
            } finally {
                connectNanos = clock.nanoTime() - start;
            }
            synchronized (this) {
                if (abandoned) {
                    s.close(); // nobody will take it: an open session would hold up a smart shutdown
                    return null;
                }
                opened = s;
            }
            return s;
        });
        this.thread = new Thread(task, "pgwarden-migrate-connect");
        thread.setDaemon(true); // a connection attempt never keeps the process alive
    }

    /** Starts connecting. */
    static PendingSession start(MigrationSettings settings, Clock clock) {
        PendingSession p = new PendingSession(settings, clock);
        p.thread.start();
        return p;
    }

    /**
     * Waits for the session; a {@link MigrationSession#missing()} one when the database does not exist yet.
     *
     * @throws PgWardenException as {@link MigrationSession#open} does
     */
    MigrationSession session() {
        MigrationSession s;
        try {
            s = task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon();
            throw new PgWardenException(ErrorCode.FAILED, "Interrupted while connecting to "
                    + settings.spec().display() + ".", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
        synchronized (this) {
            opened = null; // the caller owns it now
        }
        if (s == null) {
            throw new PgWardenException(ErrorCode.FAILED, "The connection to " + settings.spec().display()
                    + " was abandoned.");
        }
        return s;
    }

    /** How long connecting took (on its own thread), once {@link #session()} returned. */
    long connectNanos() {
        return connectNanos;
    }

    /**
     * The files turned out unusable (or the caller was interrupted): stops waiting for the server and closes a
     * session that was already open; one that opens later is closed by the connect thread. Never blocks.
     */
    void abandon() {
        thread.interrupt();
        MigrationSession s;
        synchronized (this) {
            abandoned = true;
            s = opened;
            opened = null;
        }
        if (s != null) {
            s.close();
        }
    }
}

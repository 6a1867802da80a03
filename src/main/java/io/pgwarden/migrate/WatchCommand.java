package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies migrations now and again whenever the directory changes, one {@link #cycle()} at a time (the agent's loop
 * runner owns the thread and the repetition). New
 * versioned files and changed repeatable ones are applied; a failed migration is retried once its file
 * changes ({@link RetryPolicy#RETRY_CHANGED}). Nothing stops the loop: every failure is handed to the
 * listener (which reports it; failed migrations arrive in the {@link ApplyResult}), and the watch goes on.
 */
public final class WatchCommand implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WatchCommand.class);
    /** A ConfigMap update and an editor's save both settle within a few hundred milliseconds. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(500);

    private final MigrationSettings settings;
    private final Duration debounce;
    private final Clock clock;
    private final Consumer<ApplyResult> onApplied;
    private final Consumer<PgWardenException> onError;

    public WatchCommand(MigrationSettings settings, Duration debounce, Clock clock, Consumer<ApplyResult> onApplied,
            Consumer<PgWardenException> onError) {
        this.settings = settings;
        this.debounce = debounce;
        this.clock = clock;
        this.onApplied = onApplied;
        this.onError = onError;
    }

    private volatile boolean stopping;
    /** The thread in {@link #cycle()} while it waits for a change (null while it applies); guarded by this. */
    private Thread waiting;
    private DirectoryWatch watch;
    private int applies;

    /**
     * One step of the watch, for the agent's loop runner: the first call sets up the watch and applies; each later
     * call waits at most the watch's rescan period (2 s) for a settled change and applies when there was one.
     *
     * @return true when it applied (the listeners heard the result), false when nothing changed or a stop ended the wait
     * @throws IOException when the directory cannot be watched
     */
    public boolean cycle() throws IOException {
        if (watch == null) {
            watch = new DirectoryWatch(settings.dir(), debounce, clock);
            applyOnce();
            return true;
        }
        synchronized (this) {
            if (stopping) {
                return false;
            }
            waiting = Thread.currentThread();
        }
        boolean changed;
        try {
            changed = watch.pollChange();
        } catch (InterruptedException e) {
            if (!stopping) {
                Thread.currentThread().interrupt();
            }
            return false;
        } finally {
            synchronized (this) {
                waiting = null;
            }
        }
        if (!changed || stopping) {
            return false;
        }
        log.info("migrations directory {} changed; applying", settings.dir());
        applyOnce();
        return true;
    }

    /**
     * Ends a wait for the next change at once (a later {@link #cycle()} returns false without waiting); an apply in
     * progress finishes (its transaction commits and the lock is released as usual). Only the wait is interrupted.
     */
    public void stop() {
        stopping = true;
        synchronized (this) {
            if (waiting != null) {
                waiting.interrupt();
            }
        }
    }

    /** Apply runs so far. */
    public int applies() {
        return applies;
    }

    @Override
    public void close() throws IOException {
        if (watch != null) {
            watch.close();
        }
    }

    private void applyOnce() {
        applies++;
        try {
            onApplied.accept(new ApplyCommand(settings, RetryPolicy.RETRY_CHANGED, false, clock).execute());
        } catch (PgWardenException e) {
            log.debug("migrate watch: {}", e.getMessage()); // the listener reports it: logging it too printed it twice
            onError.accept(e);
        } catch (RuntimeException e) {
            log.debug("migrate watch: unexpected error; the watch goes on", e);
            onError.accept(new PgWardenException(io.pgwarden.core.ErrorCode.INTERNAL, String.valueOf(e.getMessage()), e));
        }
    }
}

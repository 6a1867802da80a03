package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies migrations now and again whenever the directory changes, until the thread is interrupted. New
 * versioned files and changed repeatable ones are applied; a failed migration is retried once its file
 * changes ({@link RetryPolicy#RETRY_CHANGED}). Nothing stops the loop: every failure is handed to the
 * listener (which reports it; failed migrations arrive in the {@link ApplyResult}), and the watch goes on.
 */
public final class WatchCommand {
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
    /** The thread running {@link #execute()} while it waits for a change (null while it applies). */
    private Thread waiting;
    private int applies;

    /** Runs until {@link #stop()} or until interrupted; returns normally then. */
    public void execute() throws IOException {
        try (DirectoryWatch watch = new DirectoryWatch(settings.dir(), debounce, clock)) {
            applyOnce();
            while (!stopping && !Thread.currentThread().isInterrupted()) {
                synchronized (this) {
                    if (stopping) {
                        break;
                    }
                    waiting = Thread.currentThread();
                }
                try {
                    watch.awaitChange();
                } finally {
                    synchronized (this) {
                        waiting = null;
                    }
                }
                if (stopping) {
                    break;
                }
                log.info("migrations directory {} changed; applying", settings.dir());
                applyOnce();
            }
        } catch (InterruptedException e) {
            if (!stopping) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("migrate watch stopped after {} apply runs", applies);
    }

    /**
     * Asks {@link #execute()} to return: an apply in progress finishes (its transaction commits and the lock is
     * released as usual); a wait for the next change ends at once. Only the wait is interrupted, never an apply.
     */
    public void stop() {
        stopping = true;
        synchronized (this) {
            if (waiting != null) {
                waiting.interrupt();
            }
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

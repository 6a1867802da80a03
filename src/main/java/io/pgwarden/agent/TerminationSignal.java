package io.pgwarden.agent;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a request to stop, so the agent can stop PostgreSQL cleanly and
 * return exit code 0. The JVM's default handling would run shutdown hooks and exit with 143, which
 * orchestrators read as a failure. {@code sun.misc.Signal} (module jdk.unsupported) is the only
 * JDK API that replaces the default handler; it is supported on every JDK 17+.
 */
public final class TerminationSignal {
    private static final Logger log = LoggerFactory.getLogger(TerminationSignal.class);

    private final CountDownLatch requested = new CountDownLatch(1);
    private volatile String signal;
    private volatile Runnable onRepeat = () -> { };

    private TerminationSignal() {
    }

    /** Installs handlers for TERM and INT; the first one received releases {@link #await()}. */
    public static TerminationSignal install() {
        TerminationSignal t = new TerminationSignal();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> t.received("SIG" + s.getName()));
        }
        return t;
    }

    /** A stop request without signal handlers, released only by {@link #request}; for embedding and tests. */
    public static TerminationSignal manual() {
        return new TerminationSignal();
    }

    /** A stop request that did not come from a signal (tests, fatal errors). */
    public void request(String reason) {
        // the first request wins (a signal may race 'end of supervision'): its reason is the one reported
        synchronized (requested) {
            if (requested.getCount() == 0) {
                return;
            }
            signal = reason;
            requested.countDown();
        }
        log.info("{} received; stopping", reason);
    }

    /** What a second signal does while the first is being handled (e.g. a fast shutdown instead of waiting). */
    public void onRepeat(Runnable action) {
        this.onRepeat = action;
    }

    private void received(String name) {
        if (isRequested()) {
            log.info("{} received again; hurrying", name);
            onRepeat.run();
        } else {
            request(name);
        }
    }

    /** Blocks until a stop is requested. */
    public void await() throws InterruptedException {
        requested.await();
    }

    /** Waits at most {@code millis}; true when a stop was requested. */
    public boolean await(long millis) throws InterruptedException {
        return requested.await(millis, TimeUnit.MILLISECONDS);
    }

    public boolean isRequested() {
        return requested.getCount() == 0;
    }

    /** What asked to stop, e.g. {@code SIGTERM}; null while running. */
    public String reason() {
        return signal;
    }
}

package io.pgwarden.agent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The program's one stop request. {@link #install} turns SIGTERM and SIGINT into a request to stop, so an
 * agent stops PostgreSQL (or its loops) cleanly and the command returns exit code 0: the JVM's default
 * handling would run shutdown hooks and exit with 143 or 130, which orchestrators read as a failure. A
 * shutdown hook remains as a backstop for other ways the JVM may end: it requests the stop and waits (at
 * most {@link #SHUTDOWN_GRACE}) for the agent to {@link #finished() finish}. {@code sun.misc.Signal}
 * (module jdk.unsupported) is the only JDK API that replaces the default handler; it is on every JDK 17+.
 */
public final class StopSignal {
    private static final Logger log = LoggerFactory.getLogger(StopSignal.class);
    /** A JVM ending without a signal lets a running cycle finish, within Kubernetes' 30 s termination grace. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<Runnable> onStop = new CopyOnWriteArrayList<>();
    private final String action;
    private volatile String signal;
    private volatile boolean begun;
    private volatile Runnable onRepeat = () -> { };

    private StopSignal(String action) {
        this.action = action;
    }

    /**
     * Installs handlers for TERM and INT (the first one received requests the stop; a second one runs
     * {@link #onRepeat}) and the shutdown hook. Logs {@code "SIGTERM received; stopping"}.
     */
    public static StopSignal install() {
        return install(null);
    }

    /**
     * As {@link #install()}, logging {@code "received SIGTERM; <action>"}, e.g. "stopping endpoints watch after the
     * current cycle", so the log says what the signal ends.
     */
    public static StopSignal install(String action) {
        StopSignal t = new StopSignal(action);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> t.received("SIG" + s.getName()));
            } catch (IllegalArgumentException e) {
                log.debug("cannot handle SIG{} here: {}", name, e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!t.isRequested() && t.begun) {
                t.request("JVM shutdown");
                try {
                    t.finished.await(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "stop-on-jvm-exit"));
        return t;
    }

    /** A stop request without signal handlers, released only by {@link #request}; for embedding and tests. */
    public static StopSignal manual() {
        return new StopSignal(null);
    }

    /** A stop request that did not come from a signal (tests, fatal errors, the end of supervision). */
    public void request(String reason) {
        // the first request wins (a signal may race 'end of supervision'): its reason is the one reported
        synchronized (requested) {
            if (requested.getCount() == 0) {
                return;
            }
            signal = reason;
            requested.countDown();
        }
        if (action != null && reason.startsWith("SIG")) {
            log.info("received {}; {}", reason, action);
        } else {
            log.info("{} received; stopping", reason);
        }
        onStop.forEach(Runnable::run);
    }

    /** Runs {@code action} once a stop is requested (at once when it already is): agent loops wake their waits here. */
    public void onStop(Runnable action) {
        onStop.add(action);
        if (isRequested()) {
            action.run();
        }
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
            request(name); // listeners only wake waits: quick enough for the signal dispatcher thread
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

    /** An agent runs under this signal: from now until {@link #finished()}, the shutdown hook waits for it. */
    public void begin() {
        begun = true;
    }

    /** The agent has stopped: the shutdown hook no longer waits. */
    public void finished() {
        finished.countDown();
    }
}

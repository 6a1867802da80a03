package io.pgwarden.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a clean stop instead of a JVM shutdown, so the command returns
 * normally after PostgreSQL has stopped and {@link Main} exits with 0 (a shutdown hook could not
 * choose the exit code: the JVM would exit with 143 or 130). A shutdown hook remains as a backstop
 * for other ways the JVM may end.
 */
final class StopSignals {
    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /** Calls {@code stop} (on its own thread) on the first SIGTERM or SIGINT, and at JVM shutdown. */
    static void install(Runnable stop) {
        install("stopping PostgreSQL", stop);
    }

    /**
     * As {@link #install(Runnable)}, logging {@code action} (e.g. "stopping endpoints watch") when a signal arrives.
     */
    static void install(String action, Runnable stop) {
        Runnable once = new Runnable() {
            private boolean done;

            @Override
            public synchronized void run() {
                if (!done) {
                    done = true;
                    stop.run();
                }
            }
        };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    log.info("received SIG{}; {}", sig.getName(), action);
                    Thread t = new Thread(once, "stop-on-sig" + sig.getName().toLowerCase());
                    t.start();
                });
            } catch (IllegalArgumentException e) {
                log.debug("cannot handle SIG{} here: {}", name, e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(once, "stop-on-jvm-exit"));
    }
}

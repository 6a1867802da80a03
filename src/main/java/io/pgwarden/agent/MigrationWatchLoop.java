package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.health.LoopHeartbeat;
import io.pgwarden.migrate.DirectoryWatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's watch of its migrations directory, which nothing ends but {@link #close()}: each settled
 * change calls {@code onChange}; a directory that is removed, or replaced by another one of the same name
 * ({@code rm -rf dir; mkdir dir}), is watched anew, and a missing one is rescanned by {@link DirectoryWatch}
 * (every 2 s) until it is back. A failure of the watch itself (inotify limits) is counted and the watch is
 * set up again after {@link #REWATCH}.
 */
final class MigrationWatchLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(MigrationWatchLoop.class);
    /** After the watch itself failed: short enough that a change is still picked up promptly, long enough not to spin. */
    static final Duration REWATCH = Duration.ofSeconds(2);

    private final Path dir;
    private final Duration debounce;
    private final Clock clock;
    private final LoopHeartbeat beat;
    private final Runnable onChange;
    private volatile boolean closed;

    /**
     * @param onChange called on the watch thread after each change (and after the directory came back); must be
     *                 quick (declare chains, trigger a run); what it throws is counted and logged
     */
    MigrationWatchLoop(Path dir, Duration debounce, Clock clock, LoopHeartbeat beat, Runnable onChange) {
        this.dir = dir;
        this.debounce = debounce;
        this.clock = clock;
        this.beat = beat;
        this.onChange = onChange;
    }

    @Override
    public void run() {
        boolean first = true;
        while (!closed) {
            try (DirectoryWatch watch = new DirectoryWatch(dir, debounce, clock)) {
                String identity = identity();
                if (!first) {
                    // what changed while no watch was set up is seen by nobody else
                    changed();
                }
                first = false;
                while (!closed) {
                    watch.awaitChange();
                    log.info("migrations directory {} changed", dir);
                    changed();
                    String now = identity();
                    if (!Objects.equals(now, identity)) {
                        log.info("migrations directory {} was {}; watching it anew", dir,
                                now == null ? "removed (waiting for it to come back)" : "replaced");
                        break;
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                beat.recordError();
                log.warn("watching the migrations directory {} failed ({}); watching it again in {} s", dir, e.toString(),
                        REWATCH.toSeconds());
                try {
                    clock.sleep(REWATCH);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void changed() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            beat.recordError();
            log.warn("handling a change of the migrations directory {} failed: {}", dir, e.toString());
        }
    }

    /** Which directory {@code dir} names now (device and inode), null while it is missing. */
    private String identity() {
        try {
            BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class);
            return a.isDirectory() ? String.valueOf(a.fileKey()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Ends {@link #run()} at its next check; the caller interrupts the thread to end a wait. */
    void close() {
        closed = true;
    }
}

package io.pgwarden.agent;

import io.pgwarden.core.Clock;
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
 * The agent's watch of its migrations directory, as a loop: a cycle waits at most the watch's rescan period
 * (2 s) for a change and, after each settled one, calls {@code onChange}. A directory that is removed, or
 * replaced by another one of the same name ({@code rm -rf dir; mkdir dir}), is watched anew, and a missing
 * one is rescanned by {@link DirectoryWatch} until it is back. A failure of the watch itself (inotify limits)
 * fails the cycle (counted by the runner) and the watch is set up again after {@link #REWATCH}.
 */
final class MigrationWatchLoop implements AgentLoop {
    private static final Logger log = LoggerFactory.getLogger(MigrationWatchLoop.class);
    /** After the watch itself failed: short enough that a change is still picked up promptly, long enough not to spin. */
    static final Duration REWATCH = Duration.ofSeconds(2);
    /** A cycle waits at most the 2 s rescan plus the debounce; a minute means the watch itself is stuck. */
    private static final Duration MAX_SILENCE = Duration.ofSeconds(60);

    /** What one cycle saw. */
    record Watched(boolean changed, String reason) implements CycleResult {
        @Override
        public Duration next() {
            return Duration.ZERO; // the next cycle's poll is the wait
        }
    }

    private final Path dir;
    private final Duration debounce;
    private final Clock clock;
    private final Runnable onChange;
    private DirectoryWatch watch;
    private String identity;
    private boolean first = true;

    /**
     * @param onChange called on the loop's thread after each change (and after the directory came back); must be
     *                 quick (declare chains, trigger a run); what it throws fails the cycle, which the runner counts
     */
    MigrationWatchLoop(Path dir, Duration debounce, Clock clock, Runnable onChange) {
        this.dir = dir;
        this.debounce = debounce;
        this.clock = clock;
        this.onChange = onChange;
    }

    @Override
    public String name() {
        return "migrations-watch";
    }

    @Override
    public Duration maxSilence() {
        return MAX_SILENCE.plus(debounce);
    }

    /** Only after a failed cycle: a good one asks for no wait ({@link Watched#next()}). */
    @Override
    public Duration interval() {
        return REWATCH;
    }

    /** A cycle only waits for the directory: a stop may cut it short. */
    @Override
    public boolean interruptible() {
        return true;
    }

    @Override
    public Watched cycle() throws IOException, InterruptedException {
        if (watch == null) {
            try {
                watch = new DirectoryWatch(dir, debounce, clock);
            } catch (IOException e) {
                throw new IOException("watching the migrations directory " + dir + " failed (" + e + "); watching it"
                        + " again in " + REWATCH.toSeconds() + " s", e);
            }
            identity = identity();
            if (!first) {
                onChange.run(); // what changed while no watch was set up is seen by nobody else
            }
            first = false;
        }
        boolean changed;
        try {
            changed = watch.pollChange();
        } catch (IOException | RuntimeException e) {
            closeWatch();
            throw new IOException("watching the migrations directory " + dir + " failed (" + e + "); watching it again"
                    + " in " + REWATCH.toSeconds() + " s", e);
        }
        if (!changed) {
            return new Watched(false, "watching " + dir);
        }
        log.info("migrations directory {} changed", dir);
        onChange.run();
        String now = identity();
        if (!Objects.equals(now, identity)) {
            log.info("migrations directory {} was {}; watching it anew", dir,
                    now == null ? "removed (waiting for it to come back)" : "replaced");
            closeWatch();
        }
        return new Watched(true, "watching " + dir);
    }

    private void closeWatch() {
        if (watch != null) {
            try {
                watch.close();
            } catch (IOException e) {
                log.debug("closing the watch of {}: {}", dir, e.toString());
            }
            watch = null;
        }
    }

    @Override
    public void stopped() {
        closeWatch();
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
}

package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Waits until a migrations directory changes, including the atomic {@code ..data} symlink swap a
 * Kubernetes ConfigMap update makes. inotify (through {@link WatchService}) wakes it quickly; a periodic
 * rescan catches what inotify cannot see (a file edited behind a symlink, network filesystems). A change
 * is reported once the directory has stayed the same for the debounce period, so a burst of writes (or a
 * ConfigMap update's several steps) gives one apply.
 */
public final class DirectoryWatch implements AutoCloseable {
    /** Rescan this often even without events: bounds the delay when inotify misses a change. */
    private static final Duration RESCAN = Duration.ofSeconds(2);

    private final Path dir;
    private final Duration debounce;
    private final Clock clock;
    private final WatchService watcher;
    private final Set<Path> registered = new HashSet<>();
    private List<String> last;

    public DirectoryWatch(Path dir, Duration debounce, Clock clock) throws IOException {
        this.dir = dir;
        this.debounce = debounce;
        this.clock = clock;
        this.watcher = dir.getFileSystem().newWatchService();
        this.last = fingerprint();
        register();
    }

    /**
     * Blocks until the directory's content differs from what the previous call (or the constructor) saw and
     * has been quiet for the debounce period.
     */
    public void awaitChange() throws InterruptedException, IOException {
        while (!pollChange()) {
            // each poll waits at most the rescan period
        }
    }

    /**
     * One step of {@link #awaitChange()}, for a loop that must beat between steps: waits at most the rescan
     * period (2 s) for an event, then compares.
     *
     * @return true when the directory changed (and has been quiet for the debounce period), false when not
     */
    public boolean pollChange() throws InterruptedException, IOException {
        WatchKey key = watcher.poll(RESCAN.toMillis(), TimeUnit.MILLISECONDS);
        drain(key);
        List<String> now = fingerprint();
        if (now.equals(last)) {
            return false;
        }
        last = settle(now);
        register();
        return true;
    }

    /** Waits until the fingerprint stops changing for {@link #debounce}. */
    private List<String> settle(List<String> seen) throws InterruptedException, IOException {
        List<String> current = seen;
        long quietSince = clock.nanoTime();
        while (clock.nanoTime() - quietSince < debounce.toNanos()) {
            long left = debounce.toNanos() - (clock.nanoTime() - quietSince);
            drain(watcher.poll(Math.max(1, left / 1_000_000), TimeUnit.MILLISECONDS));
            List<String> again = fingerprint();
            if (!again.equals(current)) {
                current = again;
                quietSince = clock.nanoTime();
            }
        }
        return current;
    }

    private void drain(WatchKey key) {
        while (key != null) {
            key.pollEvents();
            if (!key.reset()) {
                registered.remove((Path) key.watchable());
            }
            key = watcher.poll();
        }
    }

    /** Watches the directory, the ConfigMap snapshot it points to and every group directory in it. */
    private void register() throws IOException {
        List<Path> dirs = new ArrayList<>();
        dirs.add(dir);
        Path root = new MigrationResolver(dir).effectiveRoot();
        dirs.add(root);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (!p.getFileName().toString().startsWith(".") && Files.isDirectory(p)) {
                    dirs.add(p.toRealPath());
                }
            }
        } catch (IOException e) {
            // the directory is being swapped; the next rescan registers what is there then
        }
        for (Path d : dirs) {
            if (registered.add(d)) {
                try {
                    d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                            StandardWatchEventKinds.ENTRY_MODIFY);
                } catch (IOException e) {
                    registered.remove(d);
                }
            }
        }
    }

    /** Names, sizes and modification times of every visible file, read through symlinks. */
    private List<String> fingerprint() {
        List<String> out = new ArrayList<>();
        Path root = new MigrationResolver(dir).effectiveRoot();
        out.add(root.toString());
        list(root, "", out, true);
        out.sort(null);
        return out;
    }

    private static void list(Path d, String prefix, List<String> out, boolean descend) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (a.isDirectory()) {
                    if (descend) {
                        list(p, prefix + name + "/", out, false);
                    }
                } else {
                    out.add(prefix + name + " " + a.size() + " " + a.lastModifiedTime().toMillis());
                }
            }
        } catch (IOException e) {
            out.add(prefix + "? " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() throws IOException {
        watcher.close();
    }
}

package io.pgwarden.ha;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One etcd watch on the cluster's prefix, behind {@link CoordinationStore#awaitChange}: it remembers the newest
 * revision any event carried and wakes the waiters. It is (re)started lazily from the revision the caller last read,
 * so nothing between that read and the watch is missed. jetcd's trap: a watch whose start revision was compacted
 * away is cancelled for good ({@link CompactedException}); then changes may have been missed, so this reports a change
 * (the HA loop re-reads the cluster) and the next wait watches again from the fresh read's revision. Any other
 * cancellation (etcd restarted, the watch stream failed for good) likewise drops the watcher to be restarted.
 */
final class EtcdChangeWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EtcdChangeWatch.class);

    private final Watch watch;
    private final ByteSequence prefix;
    private final String store;
    private Watch.Watcher watcher;
    /** The revision the current watcher started after; it sees every change with a larger revision. */
    private long watchingAfter = -1;
    private long newestSeen;

    EtcdChangeWatch(Watch watch, ByteSequence prefix, String store) {
        this.watch = watch;
        this.prefix = prefix;
        this.store = store;
    }

    synchronized boolean await(long revision, Duration timeout) throws InterruptedException {
        if (newestSeen > revision) {
            return true;
        }
        if (watcher == null || watchingAfter > revision) {
            restart(revision);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (newestSeen <= revision) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000), 0);
        }
        return true;
    }

    private void restart(long revision) {
        stop();
        watchingAfter = revision;
        Watch.Watcher w = null;
        try {
            w = watch.watch(prefix, WatchOption.builder().isPrefix(true).withRevision(revision + 1).build(),
                    Watch.listener(this::onEvents, this::onError));
        } catch (RuntimeException e) {
            log.debug("{}: watch from revision {} did not start: {}", store, revision + 1, e.toString());
        }
        watcher = w;
    }

    private synchronized void onEvents(WatchResponse response) {
        for (WatchEvent e : response.getEvents()) {
            newestSeen = Math.max(newestSeen, e.getKeyValue().getModRevision());
        }
        notifyAll();
    }

    private synchronized void onError(Throwable t) {
        if (t instanceof CompactedException c) {
            log.info("{}: watch from revision {} was cancelled because etcd compacted up to {}; reading again",
                    store, watchingAfter + 1, c.getCompactedRevision());
            newestSeen = Math.max(newestSeen, Math.max(c.getCompactedRevision(), watchingAfter + 1));
        } else {
            log.debug("{}: watch ended: {}", store, t.toString());
        }
        stop();
        notifyAll();
    }

    private void stop() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (RuntimeException e) {
                log.debug("{}: closing the watch: {}", store, e.toString());
            }
            watcher = null;
        }
    }

    @Override
    public synchronized void close() {
        stop();
    }
}

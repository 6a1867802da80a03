package io.pgwarden.backup;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the WAL a backup needs (its start to its stop segment, and the timeline's history file) is in the
 * repository before the backup counts as complete. A segment the archiver has not pushed yet is copied from pg_wal
 * (the same bytes the archiver pushes later, which {@link WalArchive} then accepts as a duplicate); one already
 * gone from pg_wal is waited for, as the archiver must have it, up to a timeout.
 */
final class WalCompletion {
    private static final Logger LOG = LoggerFactory.getLogger(WalCompletion.class);
    /** Polling the repository once a second costs one LIST per second on S3: cheap, and fast enough for a backup. */
    private static final Duration POLL = Duration.ofSeconds(1);
    private final WalArchive archive;
    private final BackupRepository repo;
    private final Clock clock;

    WalCompletion(BackupRepository repo, Compression compression, Clock clock) {
        this.archive = new WalArchive(repo, compression);
        this.repo = repo;
        this.clock = clock;
    }

    /** Returns how many files were copied from pg_wal. */
    int ensure(Path pgWal, int timeline, String startWal, String stopWal, Duration timeout) throws IOException {
        int copied = 0;
        if (timeline > 1) {
            String history = WalNames.historyName(timeline);
            if (archive.find(history).isEmpty() && Files.exists(pgWal.resolve(history))) {
                archive.push(pgWal.resolve(history));
                copied++;
            }
        }
        for (long n = WalNames.segmentNumber(startWal); n <= WalNames.segmentNumber(stopWal); n++) {
            String seg = WalNames.segmentName(timeline, n);
            if (archive.find(seg).isPresent()) {
                continue;
            }
            Path file = pgWal.resolve(seg);
            if (Files.isRegularFile(file)) {
                try {
                    archive.push(file);
                    copied++;
                    continue;
                } catch (PgWardenException e) {
                    if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
                        throw e;
                    }
                    // recycled by a checkpoint between our look and our read: the archiver had it, so wait for it
                }
            }
            waitFor(seg, timeout);
        }
        LOG.info("WAL {} to {} is in {} ({} copied from pg_wal)", startWal, stopWal, repo.describe(), copied);
        return copied;
    }

    private void waitFor(String seg, Duration timeout) throws IOException {
        long deadline = clock.nanoTime() + timeout.toNanos();
        while (archive.find(seg).isEmpty()) {
            if (clock.nanoTime() > deadline) {
                throw new PgWardenException(ErrorCode.FAILED, "backup create: WAL segment " + seg + ", which the backup"
                        + " needs, is neither in pg_wal nor in " + repo.describe() + " after " + timeout.toSeconds()
                        + " s. Check archive_command (it should run 'pgwarden wal push %p' into this repository).");
            }
            try {
                clock.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for WAL segment " + seg, e);
            }
        }
    }
}

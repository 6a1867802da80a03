package io.pgwarden.backup;

/** Receives progress of a long copy (backup or restore); called from one thread, about once a second. */
@FunctionalInterface
public interface BackupProgress {
    BackupProgress NONE = (done, total, files, totalFiles, elapsedNanos) -> { };

    void update(long bytesDone, long bytesTotal, int filesDone, int filesTotal, long elapsedNanos);
}

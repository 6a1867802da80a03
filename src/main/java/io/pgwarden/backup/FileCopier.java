package io.pgwarden.backup;

import io.pgwarden.core.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies the files of a data directory into {@code backups/ID/data/} with {@code parallel} threads, each file read
 * once: hashed (SHA-256 of the content), compressed and written through an atomic repository writer. A file that
 * disappears while the backup runs (a dropped table) is left out: replaying the WAL from the backup's start
 * removes it anyway. Progress is reported about once a second.
 */
final class FileCopier {
    /** Progress updates once a second: often enough for a bar, rare enough for log lines. */
    private static final long PROGRESS_INTERVAL_MS = 1000;
    private final BackupRepository repo;
    private final Compression compression;
    private final Clock clock;
    private final long startLsn;
    private final List<String> checksumFailures = java.util.Collections.synchronizedList(new ArrayList<>());

    FileCopier(BackupRepository repo, Compression compression, Clock clock, long startLsn) {
        this.repo = repo;
        this.compression = compression;
        this.clock = clock;
        this.startLsn = startLsn;
    }

    /** Pages whose checksum did not match, as {@code path block N}. */
    List<String> checksumFailures() {
        return List.copyOf(checksumFailures);
    }

    List<BackupManifest.FileEntry> copy(String backupId, Path dataDir, DataDirScan.Scan scan, int parallel,
            BackupProgress progress) throws IOException {
        AtomicLong bytes = new AtomicLong();
        AtomicInteger done = new AtomicInteger();
        long t0 = clock.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel), r -> {
            Thread t = new Thread(r, "pgwarden-backup-copy");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<BackupManifest.FileEntry>> futures = new ArrayList<>();
            for (Path rel : scan.files()) {
                futures.add(pool.submit(() -> {
                    BackupManifest.FileEntry e = copyOne(backupId, dataDir, rel, bytes);
                    done.incrementAndGet();
                    return e;
                }));
            }
            pool.shutdown();
            while (!pool.awaitTermination(PROGRESS_INTERVAL_MS, TimeUnit.MILLISECONDS)) {
                progress.update(bytes.get(), scan.bytes(), done.get(), scan.files().size(), clock.nanoTime() - t0);
                if (futures.stream().anyMatch(f -> f.isDone() && failed(f))) {
                    break;
                }
            }
            List<BackupManifest.FileEntry> out = new ArrayList<>();
            for (Future<BackupManifest.FileEntry> f : futures) {
                BackupManifest.FileEntry e = f.get();
                if (e != null) {
                    out.add(e);
                }
            }
            progress.update(bytes.get(), Math.max(bytes.get(), scan.bytes()), done.get(), scan.files().size(),
                    clock.nanoTime() - t0);
            return out;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().toString(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean failed(Future<?> f) {
        try {
            f.get();
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    private BackupManifest.FileEntry copyOne(String backupId, Path dataDir, Path rel, AtomicLong progress)
            throws IOException {
        String path = rel.toString();
        String key = BackupManifest.dataKey(backupId, path, compression);
        MessageDigest sha = Sha256.digest();
        long size = 0;
        CountingStream stored;
        boolean pages = PageChecksum.applies(path);
        long block = pages ? PageChecksum.firstBlock(path) : 0;
        try (BackupRepository.ObjectWriter w = repo.writer(key)) {
            stored = new CountingStream(w);
            try (InputStream in = Files.newInputStream(dataDir.resolve(rel)); OutputStream z = compression.compress(stored)) {
                byte[] buf = new byte[1 << 17]; // a multiple of the page size: readNBytes keeps pages whole
                for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
                    if (pages) {
                        for (int off = 0; off + PageChecksum.BLCKSZ <= n; off += PageChecksum.BLCKSZ, block++) {
                            if (!PageChecksum.verify(buf, off, block, startLsn)) {
                                checksumFailures.add(path + " block " + block);
                            }
                        }
                    }
                    sha.update(buf, 0, n);
                    z.write(buf, 0, n);
                    size += n;
                    progress.addAndGet(n);
                }
            } catch (NoSuchFileException gone) {
                return null; // dropped during the backup; closing the writer without commit discards it
            }
            w.commit();
        }
        return new BackupManifest.FileEntry(path, size, Sha256.hex(sha), stored.count);
    }

    /** Counts the (compressed) bytes written, without closing the writer underneath on close(). */
    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}

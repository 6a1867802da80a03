package io.pgwarden.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a backup's files into a data directory with several threads, checking each file's SHA-256 against the
 * manifest as it is written (a damaged object fails the restore naming it). In delta mode a file whose size and
 * SHA-256 already match is left untouched.
 */
final class FileRestorer {
    private final BackupRepository repo;
    private final BackupManifest manifest;
    private final Path dir;
    private final UserPrincipal owner;
    private final boolean delta;

    record Counts(int written, int unchanged, long bytes) {
    }

    FileRestorer(BackupRepository repo, BackupManifest manifest, Path dir, UserPrincipal owner, boolean delta) {
        this.repo = repo;
        this.manifest = manifest;
        this.dir = dir;
        this.owner = owner;
        this.delta = delta;
    }

    Counts restore(List<BackupManifest.FileEntry> files, int parallel) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel), r -> {
            Thread t = new Thread(r, "pgwarden-restore");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (BackupManifest.FileEntry f : files) {
                futures.add(pool.submit(() -> one(f)));
            }
            int written = 0;
            int unchanged = 0;
            long bytes = 0;
            for (Future<Long> f : futures) {
                long n = f.get();
                if (n < 0) {
                    unchanged++;
                } else {
                    written++;
                    bytes += n;
                }
            }
            return new Counts(written, unchanged, bytes);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().toString(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Bytes written, or -1 when the file already matched. */
    private long one(BackupManifest.FileEntry f) throws IOException {
        Path target = dir.resolve(f.path());
        if (delta && Files.isRegularFile(target) && Files.size(target) == f.size()) {
            try (InputStream in = Files.newInputStream(target)) {
                if (Sha256.of(in, null).equals(f.sha256())) {
                    return -1;
                }
            }
        }
        Restorer.mkdir(target.getParent(), owner);
        String key = manifest.dataKey(f);
        MessageDigest sha = Sha256.digest();
        long n = 0;
        try (InputStream in = Compression.ofKey(key).decompress(repo.read(key));
                FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            byte[] buf = new byte[1 << 17];
            for (int r; (r = in.read(buf)) > 0; ) {
                sha.update(buf, 0, r);
                out.write(buf, 0, r);
                n += r;
            }
            ch.force(false);
        } catch (IOException e) {
            throw new IOException("cannot restore " + f.path() + " from " + repo.describe() + key + ": " + e.getMessage(), e);
        }
        String got = Sha256.hex(sha);
        if (!got.equals(f.sha256()) || n != f.size()) {
            throw new IOException(repo.describe() + key + " is damaged: " + n + " bytes with SHA-256 " + got
                    + ", the manifest of backup " + manifest.id() + " says " + f.size() + " bytes, " + f.sha256());
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        if (!owner.equals(Files.getOwner(target))) {
            Files.setOwner(target, owner);
        }
        return n;
    }
}

package io.pgwarden.backup;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WAL archive of a repository: what {@code archive_command} ({@code pgwarden wal push}) and
 * {@code restore_command} ({@code pgwarden wal fetch}) call. A push returns only once the file is durable in the
 * repository. Pushing a file that is already archived with the same content succeeds (PostgreSQL retries a push
 * whose acknowledgement it missed); a different content under the same name is refused with
 * {@link ErrorCode#WAL_CONFLICT}: two servers archive into one repository, or a timeline was reused.
 */
public final class WalArchive {
    private static final Logger LOG = LoggerFactory.getLogger(WalArchive.class);
    private final BackupRepository repo;
    private final Compression compression;

    public WalArchive(BackupRepository repo, Compression compression) {
        this.repo = repo;
        this.compression = compression;
    }

    /** What a push did. */
    public enum PushOutcome { ARCHIVED, ALREADY_ARCHIVED }

    public record PushResult(String name, String key, PushOutcome outcome, long size, long storedSize) {
    }

    /** Archives {@code file} (a segment, .history, .backup or .partial file) under its own name. */
    public PushResult push(Path file) {
        String name = file.getFileName().toString();
        if (!WalNames.isArchivable(name)) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "wal push " + file + ": '" + name
                    + "' is not a WAL file name (24 hex digits, or a .history, .backup or .partial file)");
        }
        try {
            Optional<String> stored = find(name);
            String sha;
            try (InputStream in = Files.newInputStream(file)) {
                sha = Sha256.of(in, null);
            }
            if (stored.isPresent()) {
                String existing;
                try (InputStream in = Compression.ofKey(stored.get()).decompress(repo.read(stored.get()))) {
                    existing = Sha256.of(in, null);
                }
                if (existing.equals(sha)) {
                    LOG.info("WAL file {} is already archived with the same content ({})", name, stored.get());
                    long size = Files.size(file);
                    return new PushResult(name, stored.get(), PushOutcome.ALREADY_ARCHIVED, size,
                            repo.stat(stored.get()).map(BackupRepository.ObjectInfo::size).orElse(0L));
                }
                String message = "WAL file " + name + " is already archived in " + repo.describe() + " ("
                        + stored.get() + ") with DIFFERENT content (sha256 " + existing.substring(0, 12) + "... there, "
                        + sha.substring(0, 12) + "... in " + file + "). Two servers archive into one repository, or a"
                        + " restored server reused a timeline; give each cluster its own repository. Nothing was overwritten.";
                LOG.error(message);
                throw new PgWardenException(ErrorCode.WAL_CONFLICT, message);
            }
            Compression c = WalNames.isHistory(name) ? Compression.NONE : compression;
            String key = WalNames.key(name) + c.suffix();
            long size;
            try (BackupRepository.ObjectWriter w = repo.writer(key)) {
                try (InputStream in = Files.newInputStream(file); OutputStream z = c.compress(new NonClosing(w))) {
                    size = in.transferTo(z);
                }
                w.commit();
            }
            long storedSize = repo.stat(key).map(BackupRepository.ObjectInfo::size).orElse(0L);
            LOG.debug("archived WAL file {} as {} ({} -> {} bytes)", name, key, size, storedSize);
            return new PushResult(name, key, PushOutcome.ARCHIVED, size, storedSize);
        } catch (NoSuchFileException e) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "wal push " + file + ": no such file", e);
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.FAILED, "wal push " + file + " to " + repo.describe() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Restores WAL file {@code name} to {@code dest} (written to a temporary name, then renamed).
     *
     * @return false when the archive has no such file (PostgreSQL then ends recovery or tries the next timeline)
     */
    public boolean fetch(String name, Path dest) {
        if (!WalNames.isArchivable(name)) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "wal fetch: '" + name
                    + "' is not a WAL file name (24 hex digits, or a .history, .backup or .partial file)");
        }
        try {
            Optional<String> stored = find(name);
            if (stored.isEmpty()) {
                return false;
            }
            Path dir = dest.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, "." + dest.getFileName() + ".", ".tmp");
            try {
                try (InputStream in = Compression.ofKey(stored.get()).decompress(repo.read(stored.get()));
                        OutputStream out = Files.newOutputStream(tmp)) {
                    in.transferTo(out);
                }
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return true;
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.FAILED, "wal fetch " + name + " from " + repo.describe() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** The key {@code name} is stored under (whatever its compression), if archived. */
    public Optional<String> find(String name) throws IOException {
        String base = WalNames.key(name);
        for (BackupRepository.ObjectInfo o : repo.list(base)) {
            if (o.key().equals(base) || o.key().equals(base + Compression.ofKey(o.key()).suffix())
                    && Compression.ofKey(o.key()) != Compression.NONE) {
                return Optional.of(o.key());
            }
        }
        return Optional.empty();
    }

    /** Every archived file name (without compression suffix), sorted. */
    public List<String> names() throws IOException {
        return repo.list("wal/").stream().map(o -> {
            String k = o.key();
            String file = k.substring(k.lastIndexOf('/') + 1);
            Compression c = Compression.ofKey(file);
            return file.substring(0, file.length() - c.suffix().length());
        }).filter(WalNames::isArchivable).sorted().toList();
    }

    /** An output stream whose close() does not close the writer underneath (which commit() must still see open). */
    static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}

package io.pgwarden.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where backups and archived WAL live: a flat key space ({@code backups/ID/manifest.json}, {@code wal/00000001/...}).
 *
 * <p>Contract: {@link #writer(String)} is atomic. Readers see the whole object or nothing: the bytes go to a
 * temporary place and become visible under the key only on {@link ObjectWriter#commit()} (rename in a directory,
 * one PUT on S3); closing a writer without commit discards everything. A committed object is durable (fsynced,
 * or acknowledged by S3) when {@code commit()} returns. Every method throws {@link IOException} naming the key.
 */
public interface BackupRepository extends AutoCloseable {

    /** A new object under {@code key}; replaces an existing one on commit. */
    ObjectWriter writer(String key) throws IOException;

    /** The object's bytes; {@link java.nio.file.NoSuchFileException} when it does not exist. */
    InputStream read(String key) throws IOException;

    /** The object's size, or empty when there is no such (committed) object. */
    Optional<ObjectInfo> stat(String key) throws IOException;

    /** Every committed object whose key starts with {@code prefix}, sorted by key. */
    List<ObjectInfo> list(String prefix) throws IOException;

    /** Removes the object; no error when it is already gone. */
    void delete(String key) throws IOException;

    /** For messages: {@code /srv/backups} or {@code s3://bucket/prefix}. */
    String describe();

    @Override
    default void close() {
    }

    /** A committed object: its key, size in bytes and when it was written (the store's clock). */
    record ObjectInfo(String key, long size, java.time.Instant modified) {
    }

    /** An atomic write: bytes are invisible under the key until {@link #commit()}. */
    abstract class ObjectWriter extends OutputStream {
        /** Makes the object visible and durable. After it, {@link #close()} does nothing more. */
        public abstract void commit() throws IOException;
    }

    /** Writes {@code bytes} under {@code key} atomically. */
    default void put(String key, byte[] bytes) throws IOException {
        try (ObjectWriter w = writer(key)) {
            w.write(bytes);
            w.commit();
        }
    }

    /** The whole object. */
    default byte[] readAll(String key) throws IOException {
        try (InputStream in = read(key)) {
            return in.readAllBytes();
        }
    }
}

package io.pgwarden.topology;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Replaces a file's content so that readers see either the old or the new version, never a half-written one:
 * write a temporary file next to it, flush it to disk, rename it over the original. The original's owner and
 * permissions are kept (a PgBouncer running as postgres must still read its configuration). The directory must
 * exist: it is never created.
 */
final class AtomicFiles {
    private AtomicFiles() {
    }

    static void write(Path target, String content) throws IOException {
        // never createDirectories: a missing directory is a configuration error (a typo), reported by the caller
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            copyOwnership(target, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void copyOwnership(Path from, Path to) throws IOException {
        PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (!Files.exists(from) || target == null) {
            if (target != null) {
                target.setPermissions(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            return;
        }
        PosixFileAttributes attrs = Files.readAttributes(from, PosixFileAttributes.class);
        target.setPermissions(attrs.permissions());
        try {
            target.setOwner(attrs.owner());
            target.setGroup(attrs.group());
        } catch (IOException e) {
            // not root: the new file stays ours, which is who could write the old one
        }
    }
}

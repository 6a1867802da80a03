package io.pgwarden.instance;

import io.pgwarden.pg.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * Writes files the server owns. When pgwarden runs as root, PostgreSQL runs as the server user, so
 * every file and directory pgwarden creates for it is handed to that user; unprivileged, files
 * belong to pgwarden's own user. Writes go to a temporary file in the same directory that is then
 * renamed, so a crash leaves either the old or the new content.
 */
public final class ServerFiles {
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private final Privileges privileges;

    public ServerFiles(Privileges privileges) {
        this.privileges = privileges;
    }

    public Privileges privileges() {
        return privileges;
    }

    /** Creates {@code dir} (mode 0700) if missing and gives it to the server user. */
    public void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        chown(dir);
    }

    /**
     * Atomically replaces {@code file} with {@code content}, with the given permissions, owned by the server
     * user. A file that already has exactly this content is left alone (no write, no fsync), which keeps
     * restarts quick.
     */
    public void write(Path file, String content, Set<PosixFilePermission> permissions) throws IOException {
        if (Files.isRegularFile(file) && Files.readString(file).equals(content)
                && Files.getPosixFilePermissions(file).equals(permissions)) {
            return;
        }
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(permissions));
        try {
            Files.writeString(tmp, content);
            chown(tmp);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Gives {@code path} to the server user when running as root; a no-op otherwise. */
    public void chown(Path path) throws IOException {
        if (privileges.isRoot()) {
            UserPrincipal user = path.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(privileges.effectiveServerUser());
            Files.setOwner(path, user);
            try {
                Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(
                        path.getFileSystem().getUserPrincipalLookupService()
                                .lookupPrincipalByGroupName(privileges.effectiveServerUser()));
            } catch (IOException e) {
                // no group of that name: the owner alone is what PostgreSQL checks
            }
        }
    }
}

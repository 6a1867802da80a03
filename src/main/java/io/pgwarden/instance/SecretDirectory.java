package io.pgwarden.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private temporary directory (mode 0700, owned by the server user) for files a server program must
 * read but nobody else may: password files for pg_basebackup and pg_rewind, their output. Removed on close.
 */
final class SecretDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SecretDirectory.class);
    private final Path dir;

    SecretDirectory(ServerFiles files, String prefix) throws IOException {
        dir = Files.createTempDirectory(prefix, PosixFilePermissions.asFileAttribute(ServerFiles.OWNER_ONLY_DIR));
        files.chown(dir);
    }

    Path resolve(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("could not remove temporary directory {}: {}", dir, e.getMessage());
        }
    }
}

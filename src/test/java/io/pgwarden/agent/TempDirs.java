package io.pgwarden.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A test's temporary directory tree: created for the PostgreSQL server user, removed best effort. */
final class TempDirs {
    private TempDirs() {
    }

    /** A new temporary directory the server user owns when the tests run as root (PostgreSQL refuses root). */
    static Path forServer(String prefix) throws IOException {
        Path base = Files.createTempDirectory(prefix);
        if (io.pgwarden.pg.Privileges.detect(null).isRoot()) {
            Files.setOwner(base, base.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(io.pgwarden.pg.Privileges.DEFAULT_SERVER_USER));
        }
        return base;
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory; what could not be removed stays in /tmp
        }
    }
}

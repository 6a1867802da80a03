package io.pgwarden.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the replication role's password comes from, in this order: the file given with
 * {@code --replication-password-file} when it exists (share it between replicas, e.g. a Kubernetes
 * Secret); the password file of a former replica in the data directory ({@link StandbyConfig#PASSFILE});
 * otherwise a newly generated one, written to the given file (mode 0600) when one was named. Whatever it
 * is, {@link ReplicationSetup} sets it on the primary, so the file is the truth.
 */
public final class ReplicationPassword {
    private static final Logger log = LoggerFactory.getLogger(ReplicationPassword.class);

    private ReplicationPassword() {
    }

    /**
     * @param file       {@code --replication-password-file}, or null
     * @param oldDataDir a data directory that may hold a former replica's password file, or null
     */
    public static String resolve(ServerFiles files, Path file, Path oldDataDir, String role) {
        if (file != null && Files.isRegularFile(file)) {
            return PasswordFile.read(file);
        }
        if (oldDataDir != null) {
            Optional<String> old = PgPassFile.passwordFor(oldDataDir.resolve(StandbyConfig.PASSFILE), role);
            if (old.isPresent()) {
                return old.get();
            }
        }
        String generated = PasswordFile.generate();
        if (file != null) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                PasswordFile.write(files, file, generated);
                log.info("generated a password for replication role '{}', kept in {} (mode 0600)", role, file);
            } catch (IOException e) {
                throw new io.pgwarden.core.PgWardenException(io.pgwarden.core.ErrorCode.ENVIRONMENT,
                        "--replication-password-file=" + file + ": cannot write it: " + e + ". Choose a writable path.", e);
            }
        } else {
            log.info("generated a password for replication role '{}' (kept in the replica's {})", role, StandbyConfig.PASSFILE);
        }
        return generated;
    }
}

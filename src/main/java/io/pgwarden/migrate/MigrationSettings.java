package io.pgwarden.migrate;

import io.pgwarden.pg.ConnectionSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What every migrate command needs, resolved and validated once by the CLI (or the agent).
 *
 * @param spec        the target database
 * @param dir         the migrations directory (a ConfigMap mount works as is)
 * @param schema      where the history table lives
 * @param lockTimeout how long a runner waits for another one holding the migration lock
 */
public record MigrationSettings(ConnectionSpec spec, Path dir, String schema, Duration lockTimeout) {
    /** Default schema of the history table. */
    public static final String DEFAULT_SCHEMA = "public";
    /** Long enough for a rollout's other pods to finish typical migrations; long ones should raise it. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(5);

    public MigrationSettings {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
    }
}

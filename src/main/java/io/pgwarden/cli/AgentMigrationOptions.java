package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The migrations an agent ({@code run}, {@code up}, {@code sidecar}) applies and watches: {@code --migrations-dir}
 * (MIGRATIONS_DIR, then CONFIGMAP_PATH, as the replaced sidecar read them), {@code --schema}, {@code --lock-timeout}.
 */
public final class AgentMigrationOptions {
    /** How long an agent waits for another runner's migration lock unless told otherwise. */
    static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(5);

    @Option(names = "--migrations-dir", paramLabel = "DIR",
            description = "Migrations to apply (on a primary) and watch; a mounted ConfigMap works as is. Env: MIGRATIONS_DIR,"
                    + " then CONFIGMAP_PATH. Default: none (health only).")
    String migrationsDir;

    @Option(names = "--schema", paramLabel = "SCHEMA",
            description = "Schema of the migration history table. Env: MIGRATE_SCHEMA. Default: public.")
    String schema;

    @Option(names = "--lock-timeout", paramLabel = "DURATION",
            description = "How long to wait for another runner's migration lock; 0 fails at once (retried later)."
                    + " Env: MIGRATE_LOCK_TIMEOUT. Default: 5m.")
    String lockTimeout;

    /** The resolved values; {@code dir} is null when no migrations are given. */
    record Resolved(Path dir, String schema, Duration lockTimeout) {
    }

    /** Flag &gt; env &gt; config file &gt; default; every invalid value is added to {@code problems}. */
    Resolved resolve(ConfigSources sources, Problems problems) {
        Path dir = sources.resolve(problems, null, InputParsers::existingDirectory, "--migrations-dir", migrationsDir,
                "MIGRATIONS_DIR", "CONFIGMAP_PATH");
        String historySchema = sources.resolve(problems, "public", InputParsers::identifier, "--schema", schema,
                "MIGRATE_SCHEMA");
        Duration lock = sources.resolve(problems, DEFAULT_LOCK_TIMEOUT, InputParsers::lockTimeout, "--lock-timeout",
                lockTimeout, "MIGRATE_LOCK_TIMEOUT");
        return new Resolved(dir, historySchema, lock);
    }
}

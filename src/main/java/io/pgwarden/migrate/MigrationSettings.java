package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import io.pgwarden.pg.ConnectionSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;

/**
 * What every migrate command needs, resolved and validated once by the CLI (or the agent).
 *
 * @param spec                   the target database
 * @param dir                    the migrations directory (a ConfigMap mount works as is)
 * @param schema                 where the history table lives, first in the search_path files run with (Flyway's
 *                               defaultSchema); created when missing
 * @param lockTimeout            how long a runner waits for another one holding the migration lock
 * @param placeholders           the user's {@code ${name}} placeholders, by name
 * @param placeholderReplacement false: {@code ${...}} is left as written (--no-placeholders)
 * @param flywayTable            the Flyway history table to adopt, in {@code schema}; null for Flyway's default,
 *                               {@value #FLYWAY_TABLE}
 * @param oneChain               subdirectories (any depth) are part of the root chain, as Flyway reads a location,
 *                               instead of independent groups
 */
public record MigrationSettings(ConnectionSpec spec, Path dir, String schema, Duration lockTimeout,
        Map<String, String> placeholders, boolean placeholderReplacement, String flywayTable, boolean oneChain) {
    /** Default schema of the history table. */
    public static final String DEFAULT_SCHEMA = "public";
    /** Long enough for a rollout's other pods to finish typical migrations; long ones should raise it. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(5);
    /** Flyway's default history table. */
    public static final String FLYWAY_TABLE = "flyway_schema_history";

    public MigrationSettings {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        placeholders = Map.copyOf(placeholders);
    }

    /** Without placeholders of the user's (built-ins still replaced) and with Flyway's default history table. */
    public MigrationSettings(ConnectionSpec spec, Path dir, String schema, Duration lockTimeout) {
        this(spec, dir, schema, lockTimeout, Map.of(), true, null, false);
    }

    /** The Flyway history table looked for when pgwarden's own history is empty. */
    public String flywayTableName() {
        return flywayTable == null ? FLYWAY_TABLE : flywayTable;
    }

    /** The placeholders of a run starting now (null with --no-placeholders): the user's and Flyway's built-ins. */
    Placeholders placeholderValues(Clock clock) {
        if (!placeholderReplacement) {
            return null;
        }
        String now = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault())
                .format(clock.now());
        Map<String, String> builtIns = Map.of("flyway:defaultSchema", schema, "flyway:user", Objects.toString(spec.user(), ""),
                "flyway:database", Objects.toString(spec.database(), ""), "flyway:timestamp", now, "flyway:table", JdbcSchemaHistory.TABLE,
                "flyway:workingDirectory", System.getProperty("user.dir"), "flyway:environment", "default");
        return Placeholders.of(placeholders, builtIns);
    }
}

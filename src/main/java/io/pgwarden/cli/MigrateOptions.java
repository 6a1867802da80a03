package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.Durations;
import io.pgwarden.migrate.MigrationSettings;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.SqlIdentifiers;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --url --dir --schema}: shared by every {@code pgwarden migrate} subcommand. {@code --lock-timeout} is in
 * {@link MigrateLockOptions}, only on the subcommands that take the lock.
 */
public final class MigrateOptions {
    @Option(names = "--url", paramLabel = "URL",
            description = {"Target database, e.g. postgresql://app@db:5432/shop (created when missing by apply)."
                    + " Env: DATABASE_URL; without either, the libpq variables PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE."})
    String url;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File holding the password of the --url user, e.g. pgwarden-data/pgwarden.password (what 'up'"
                    + " generates); wins over PGPASSWORD and a password in the URL. Env: PGWARDEN_PASSWORD_FILE.")
    String passwordFile;

    @Option(names = "--dir", paramLabel = "DIR",
            description = {"Migrations directory; a mounted Kubernetes ConfigMap works as is."
                    + " Env: MIGRATIONS_DIR, then CONFIGMAP_PATH. Default: ./migrations."})
    String dir;

    @Option(names = "--schema", paramLabel = "SCHEMA",
            description = "Schema of the history table pgwarden_schema_history, first in the search_path the files run"
                    + " with (Flyway's defaultSchema); created when missing. Env: MIGRATE_SCHEMA. Default: public.")
    String schema;

    @Option(names = "--placeholder", paramLabel = "NAME=VALUE",
            description = "Value of Flyway's $${NAME} placeholder in the files (repeatable); Flyway's built-ins"
                    + " $${flyway:defaultSchema}, $${flyway:user}, $${flyway:database}, $${flyway:timestamp},"
                    + " $${flyway:filename} and $${flyway:table} are always there. An unknown placeholder is an error."
                    + " Env: MIGRATE_PLACEHOLDERS=NAME=VALUE,NAME=VALUE.")
    java.util.List<String> placeholder = new java.util.ArrayList<>();

    @Option(names = "--no-placeholders", description = "Leave $${...} in the files as written (Flyway's"
            + " placeholderReplacement=false).")
    boolean noPlaceholders;

    @Option(names = "--flyway-table", paramLabel = "TABLE",
            description = "Flyway's history table to adopt when pgwarden's history is empty (in --schema)."
                    + " Env: MIGRATE_FLYWAY_TABLE. Default: flyway_schema_history.")
    String flywayTable;

    @Option(names = "--one-chain",
            description = "Read subdirectories (at any depth) as part of one chain ordered by version, as Flyway reads a"
                    + " location, instead of one independent chain per subdirectory. Env: MIGRATE_ONE_CHAIN=true.")
    boolean oneChain;

    /** For the read-only subcommands (info, validate, plan), which never take the lock. */
    MigrationSettings settings(ConfigSources sources) {
        return settings(sources, null);
    }

    /**
     * Resolves flag &gt; env &gt; default, reporting every invalid value at once (INVALID_INPUT).
     *
     * @param lock the lock options of a subcommand that takes the lock, or null (the default timeout, unused)
     */
    MigrationSettings settings(ConfigSources sources, MigrateLockOptions lock) {
        Problems problems = new Problems();
        ConnectionSpec defaults;
        try {
            defaults = ConnectionSpec.fromEnv(sources.environment());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            defaults = ConnectionSpec.fromEnv(java.util.Map.of());
        }
        ConnectionSpec base = defaults;
        ConnectionSpec spec = sources.resolve(problems, base, u -> ConnectionSpec.parseUrl(u, base), "--url", url,
                "DATABASE_URL");
        Path directory = sources.resolve(problems, Path.of("migrations"), Path::of, "--dir", dir, "MIGRATIONS_DIR",
                "CONFIGMAP_PATH");
        String sch = sources.resolve(problems, MigrationSettings.DEFAULT_SCHEMA, s -> {
            String p = SqlIdentifiers.problem(s);
            if (p != null) {
                throw new IllegalArgumentException(p);
            }
            return s;
        }, "--schema", schema, "MIGRATE_SCHEMA");
        Duration timeout = lock == null ? MigrationSettings.DEFAULT_LOCK_TIMEOUT : sources.resolve(problems,
                MigrationSettings.DEFAULT_LOCK_TIMEOUT, Durations::parse, "--lock-timeout", lock.lockTimeout,
                "MIGRATE_LOCK_TIMEOUT");
        java.nio.file.Path pwFile = sources.resolve(problems, null, InputParsers::readableFile, "--password-file",
                passwordFile, "PGWARDEN_PASSWORD_FILE");
        java.util.Map<String, String> values = placeholders(sources, problems);
        String fwTable = sources.resolve(problems, null, s -> {
            String p = SqlIdentifiers.problem(s);
            if (p != null) {
                throw new IllegalArgumentException(p);
            }
            return s;
        }, "--flyway-table", flywayTable, "MIGRATE_FLYWAY_TABLE");
        boolean one = sources.resolve(problems, false, InputParsers::bool, "--one-chain", oneChain ? "true" : null,
                "MIGRATE_ONE_CHAIN");
        problems.throwIfAny();
        if (pwFile != null) {
            spec = spec.withUser(spec.user(), io.pgwarden.instance.PasswordFile.read(pwFile));
        }
        return new MigrationSettings(spec, directory, sch, timeout, values, !noPlaceholders, fwTable, one);
    }

    /** {@code --placeholder NAME=VALUE ...}, else {@code MIGRATE_PLACEHOLDERS=NAME=VALUE,...}. */
    private java.util.Map<String, String> placeholders(ConfigSources sources, Problems problems) {
        java.util.List<String> items = placeholder;
        String source = "--placeholder";
        if (items.isEmpty()) {
            String env = sources.environment().get("MIGRATE_PLACEHOLDERS");
            if (env == null || env.isBlank()) {
                return java.util.Map.of();
            }
            items = java.util.Arrays.asList(env.split(","));
            source = "MIGRATE_PLACEHOLDERS";
        }
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            String name = eq < 0 ? "" : item.substring(0, eq).strip();
            if (name.isEmpty() || name.contains("}") || name.regionMatches(true, 0, "flyway:", 0, 7)) {
                problems.add(source + "=" + item + ": expected NAME=VALUE with a NAME that is not empty, has no '}' and"
                        + " does not start with 'flyway:' (those are Flyway's built-ins)");
            } else {
                out.put(name, item.substring(eq + 1));
            }
        }
        return out;
    }
}

package io.pgwarden.agent;

import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.pg.BinariesRequest;
import io.pgwarden.pg.ConnectionSpec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code pgwarden run} needs, resolved and validated by the CLI.
 *
 * @param instance       the local server (tuned settings are added once the binaries are known)
 * @param binaries       which PostgreSQL binaries to use
 * @param tuning         how to tune, or null to keep PostgreSQL's defaults
 * @param clientDefaults libpq defaults for the agent's own connections (PGPASSWORD when the data
 *                       directory has no pgwarden password file, sslmode, ...)
 * @param health         address and port of the health server
 * @param migrationsDir  migrations to apply (on a primary only) and watch, or null
 * @param database       the database migrations apply to; created when missing
 * @param historySchema  schema of the migration history table
 * @param lockTimeout    how long to wait for another runner's migration lock
 * @param monitorInterval time between two cycles of the monitor loop
 */
public record RunSettings(InstanceConfig instance, BinariesRequest binaries, TuneRequest tuning,
        ConnectionSpec clientDefaults, InetSocketAddress health, Path migrationsDir, String database,
        String historySchema, Duration lockTimeout, Duration monitorInterval) {
    /** The database migrations target unless --database / POSTGRES_DB says otherwise. */
    public static final String DEFAULT_DATABASE = "postgres";

    public RunSettings {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(binaries, "binaries");
        Objects.requireNonNull(clientDefaults, "clientDefaults");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(monitorInterval, "monitorInterval");
    }

    /** With the default monitor interval. */
    public RunSettings(InstanceConfig instance, BinariesRequest binaries, TuneRequest tuning,
            ConnectionSpec clientDefaults, InetSocketAddress health, Path migrationsDir, String database,
            String historySchema, Duration lockTimeout) {
        this(instance, binaries, tuning, clientDefaults, health, migrationsDir, database, historySchema, lockTimeout,
                AgentHealth.DEFAULT_MONITOR_INTERVAL);
    }
}

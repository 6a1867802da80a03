package io.pgwarden.agent;

import io.pgwarden.pg.ConnectionSpec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code pgwarden sidecar} needs, resolved and validated by the CLI.
 *
 * @param target         the database to serve (from DATABASE_URL or the libpq variables)
 * @param migrationsDir  migrations to apply and watch, or null for health only
 * @param historySchema  schema of the migration history table
 * @param lockTimeout    how long to wait for another runner's migration lock
 * @param health         address and port of the health server
 * @param waitTimeout    how long to wait at start for the server to accept connections
 * @param createDatabase create {@code target.database()} when it does not exist
 * @param monitorInterval time between two cycles of the monitor loop
 */
public record SidecarSettings(ConnectionSpec target, Path migrationsDir, String historySchema, Duration lockTimeout,
        InetSocketAddress health, Duration waitTimeout, boolean createDatabase, Duration monitorInterval) {
    /** The database the sidecar connects to in order to create the target database. */
    public static final String MAINTENANCE_DATABASE = "postgres";
    /** Long enough for a server container started at the same time to run initdb and start. */
    public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofMinutes(5);

    public SidecarSettings {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(waitTimeout, "waitTimeout");
        Objects.requireNonNull(monitorInterval, "monitorInterval");
    }

    /** With the default monitor interval. */
    public SidecarSettings(ConnectionSpec target, Path migrationsDir, String historySchema, Duration lockTimeout,
            InetSocketAddress health, Duration waitTimeout, boolean createDatabase) {
        this(target, migrationsDir, historySchema, lockTimeout, health, waitTimeout, createDatabase,
                AgentHealth.DEFAULT_MONITOR_INTERVAL);
    }
}

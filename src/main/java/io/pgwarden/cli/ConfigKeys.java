package io.pgwarden.cli;

import java.util.Set;

/**
 * The keys a configuration file may hold: the long option names (without the leading dashes) of every
 * pgwarden command, since one file may serve several commands ({@code PGWARDEN_CONFIG}). A constant
 * rather than read from the command tree, because a run builds only its own subcommand
 * ({@link SingleCommand}: building the whole tree costs about half a second of CPU); ConfigKeysTest
 * checks it against the tree (minus {@link #NOT_SETTINGS}), and prints the new list when an option is added.
 */
final class ConfigKeys {
    /**
     * Options that are not read from the file, so a file naming them is an error rather than silently ignored:
     * help, version and the file itself; the log options, applied before the file is read (flag or LOG_FORMAT,
     * LOG_LEVEL); and the one-off decisions of migrate apply/plan/baseline, which a file shared by every run
     * must not make for all of them.
     */
    static final Set<String> NOT_SETTINGS = Set.of("help", "version", "config", "log-format", "log-level",
            "retry-failed", "skip-validation", "baseline-version", "group", "all-groups",
            // one-off decisions of backup, restore, dump and load
            "backup", "delta", "dry-run", "keep", "restore-drill", "in", "out", "off", "target", "target-action", "target-exclusive", "target-lsn",
            "target-name", "target-time", "target-timeline", "target-xid", "yes");

    static final Set<String> ALL = Set.of(
            "allow", "auth-password-file", "auth-user", "ca-dir", "cert-users", "client", "clone-method", "compress",
            "connect-timeout", "cpus", "data-dir", "database", "database-url", "days", "debounce", "dir",
            "expect-role", "file", "flyway-table", "format", "health-address", "health-port", "host", "hosts", "ini",
            "initial-password-file", "interval", "keep-full", "keep-within", "listen", "listen-addr", "listen-port",
            "lock-timeout", "max-lag", "max-restarts", "memory", "migrations-dir", "monitor-interval", "namespace",
            "no-create-database", "no-placeholders", "no-rewind", "no-start", "no-tune", "node-name", "nodes",
            "one-chain", "parallel", "password-file", "pg-bin", "pg-version", "pgbouncer-admin-url", "pgbouncer-ini",
            "pgwarden-command", "placeholder", "port", "primary", "primary-password-file", "primary-user", "psql",
            "replica-of", "replication-password-file", "replication-user", "repo", "require-tls", "restart-window",
            "ro-service", "rw-service", "schema", "server-log", "server-tls-dir", "shared-preload-libraries", "slot",
            "sslmode", "start-timeout", "stop-timeout", "storage", "superuser", "timeout", "tls-ca", "tls-cert",
            "tls-dir", "tls-expiry-warning", "tls-key", "url", "user", "userlist", "wait-timeout", "wal-timeout",
            "workload");

    private ConfigKeys() {
    }
}

package io.pgwarden.cli;

import picocli.CommandLine.Option;

/**
 * {@code --lock-timeout}: only on the {@code pgwarden migrate} subcommands that take the migration lock (apply,
 * repair, baseline, watch); info, validate and plan read without it.
 */
public final class MigrateLockOptions {
    @Option(names = "--lock-timeout", paramLabel = "DURATION",
            description = "How long to wait for another runner holding the migration lock, e.g. 30s, 10m."
                    + " Env: MIGRATE_LOCK_TIMEOUT. Default: 5m.")
    String lockTimeout;
}

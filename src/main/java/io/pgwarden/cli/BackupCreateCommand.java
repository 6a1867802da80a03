package io.pgwarden.cli;

import io.pgwarden.backup.BackupManifest;
import io.pgwarden.backup.BackupProgress;
import io.pgwarden.backup.BackupRepository;
import io.pgwarden.backup.BaseBackup;
import io.pgwarden.backup.Compression;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.ByteSize;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.pg.ConnectionSpec;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden backup create}: a base backup of a local primary into the repository. */
@Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Takes a physical base backup of a primary running on this machine: pg_backup_start/pg_backup_stop over"
                        + " one session, files read, SHA-256-summed and compressed in parallel, the backup label stored"
                        + " in the backup (never in the live directory). The WAL from the backup's start to its stop"
                        + " segment is copied from pg_wal when archiving has not stored it yet, so even an idle server's"
                        + " backup is restorable at once. Only then the manifest is written: an interrupted backup"
                        + " (kill -9, error) has none and is never used.",
                "",
                "Examples:",
                "  pgwarden backup create --repo /srv/backups    # node of ./pgwarden-data",
                "  pgwarden backup create --repo s3://acme-db/prod \\",
                "      --url postgresql://postgres@127.0.0.1:5432/postgres",
                "  pgwarden backup create --repo /srv/backups --compress lz4 --parallel 4",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the backup is complete", "1:it failed (server, repository, WAL not archived in time); nothing"
                + " complete-looking was left", "2:invalid flag or environment variable, or a standby / tablespaces",
                "8:the data directory is not readable here"})
public final class BackupCreateCommand extends AbstractCommand {
    @Mixin
    NodeTarget target;

    @Mixin
    BackupRepoOptions repo;

    @Option(names = "--compress", paramLabel = "zstd|lz4|gzip|none",
            description = "Compression of the files. Env: PGWARDEN_BACKUP_COMPRESS. Default: zstd (level 1).")
    String compress;

    @Option(names = "--parallel", paramLabel = "N",
            description = "Files read and compressed at once. Env: PGWARDEN_BACKUP_PARALLEL. Default: the number of CPUs, at most 4.")
    String parallel;

    @Option(names = "--wal-timeout", paramLabel = "DURATION",
            description = "How long to wait for a WAL segment the backup needs that is gone from pg_wal to be archived."
                    + " Default: 60s.")
    String walTimeout;

    @Option(names = "--keep", description = "Mark the backup as kept: 'backup expire' never deletes it (see 'backup keep').")
    boolean keep;

    @Override
    protected int execute() throws java.io.IOException {
        ConfigSources sources = sources(null);
        Problems problems = new Problems();
        Compression c = sources.resolve(problems, Compression.ZSTD, Compression::parse, "--compress", compress,
                "PGWARDEN_BACKUP_COMPRESS");
        int n = sources.resolve(problems, Math.min(4, Runtime.getRuntime().availableProcessors()), InputParsers::positive,
                "--parallel", parallel, "PGWARDEN_BACKUP_PARALLEL");
        Duration wait = sources.resolve(problems, Duration.ofSeconds(60), InputParsers::positiveDuration, "--wal-timeout",
                walTimeout);
        problems.throwIfAny();
        String location = repo.location(sources);
        ConnectionSpec node = target.resolve(sources);
        try (BackupRepository r = repo.open(sources)) {
            BaseBackup.Result res = new BaseBackup(r, Clock.SYSTEM).execute(new BaseBackup.Request(node, c, n, wait,
                    progress()));
            BackupManifest m = res.manifest();
            if (keep) {
                r.put(io.pgwarden.backup.Catalog.keepKey(m.id()), new byte[0]);
            }
            out().println("backup " + m.id() + " complete in " + location + ": " + m.files().size() + " files, "
                    + new ByteSize(m.totalSize()).toHuman() + " (" + new ByteSize(m.storedSize()).toHuman()
                    + " stored, " + m.compression() + ") in " + Durations.format(res.took()) + "; LSN " + m.startLsn()
                    + " to " + m.stopLsn() + " on timeline " + m.timeline() + ", WAL " + m.startWal() + " to " + m.stopWal()
                    + " archived" + (keep ? "; marked keep" : ""));
            out().flush();
            if (!res.checksumFailures().isEmpty()) {
                warn(res.checksumFailures().size() + " data page(s) failed their checksum (damaged on disk, copied as"
                        + " they are): " + String.join(", ", res.checksumFailures()));
            }
        }
        return 0;
    }

    /** A bar on a terminal, a log line every 10 s otherwise. */
    private BackupProgress progress() {
        boolean terminal = System.console() != null && !io.pgwarden.core.log.LogSettings.isJson();
        return new ProgressPrinter(err(), terminal, "backup");
    }
}

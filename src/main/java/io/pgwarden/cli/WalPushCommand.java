package io.pgwarden.cli;

import io.pgwarden.backup.BackupRepository;
import io.pgwarden.backup.Compression;
import io.pgwarden.backup.WalArchive;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pgwarden wal push PATH}: archive_command. */
@Command(name = "push", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Archives one WAL file (archive_command). Exits 0 only once the file is durable in the repository"
                        + " (fsynced and renamed, or stored by S3). A file already archived with the same content is"
                        + " accepted again (exit 0); one with different content is refused (exit 20) and nothing is"
                        + " overwritten: two clusters archive into one repository.",
                "",
                "Examples:",
                "  archive_command = 'pgwarden wal push --repo /srv/backups %%p'",
                "  pgwarden wal push --repo s3://acme-db/prod pg_wal/000000010000000000000042",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:archived (or already archived with the same content)", "1:the repository failed",
                "2:invalid flag, or not a WAL file name", "20:already archived with DIFFERENT content; nothing overwritten"})
public final class WalPushCommand extends AbstractCommand {
    @Parameters(index = "0", paramLabel = "PATH", description = "The WAL file (%%p of archive_command).")
    String path;

    @Mixin
    BackupRepoOptions repo;

    @Option(names = "--compress", paramLabel = "zstd|lz4|gzip|none",
            description = "Compression. Env: PGWARDEN_BACKUP_COMPRESS. Default: zstd (level 1).")
    String compress;

    @Override
    protected int execute() {
        ConfigSources sources = sources(null);
        Problems problems = new Problems();
        Compression c = sources.resolve(problems, Compression.ZSTD, Compression::parse, "--compress", compress,
                "PGWARDEN_BACKUP_COMPRESS");
        problems.throwIfAny();
        try (BackupRepository r = repo.open(sources)) {
            WalArchive.PushResult res = new WalArchive(r, c).push(Path.of(path));
            out().println((res.outcome() == WalArchive.PushOutcome.ARCHIVED ? "archived " : "already archived (same content) ")
                    + res.name() + " as " + res.key());
            out().flush();
        }
        return 0;
    }
}

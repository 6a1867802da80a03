package io.pgwarden.cli;

import io.pgwarden.backup.BackupRepository;
import io.pgwarden.backup.WalArchive;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.core.ErrorCode;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code pgwarden wal fetch NAME DEST}: restore_command. */
@Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Restores one WAL file from the repository (restore_command). A file the archive does not have exits 21"
                        + " quietly: PostgreSQL asks for files past the end of the archive on purpose.",
                "",
                "Examples:",
                "  restore_command = 'pgwarden wal fetch --repo /srv/backups %%f %%p'",
                "  pgwarden wal fetch --repo /srv/backups 000000010000000000000042 /tmp/seg",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:restored", "1:the repository failed", "2:invalid flag or WAL file name",
                "21:the archive has no such file"})
public final class WalFetchCommand extends AbstractCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The WAL file name (%%f).")
    String name;

    @Parameters(index = "1", paramLabel = "DEST", description = "Where to write it (%%p).")
    String dest;

    @Mixin
    BackupRepoOptions repo;

    @Override
    protected int execute() {
        ConfigSources sources = sources(null);
        try (BackupRepository r = repo.open(sources)) {
            if (!new WalArchive(r, null).fetch(name, Path.of(dest))) {
                err().println("wal fetch: " + name + " is not in the archive " + r.describe());
                err().flush();
                return ErrorCode.NOT_FOUND.exitCode();
            }
        }
        return 0;
    }
}

package io.pgwarden.cli;

import io.pgwarden.backup.BackupRepository;
import io.pgwarden.backup.Catalog;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pgwarden backup keep ID}: marks a backup that retention never deletes (or removes the mark). */
@Command(name = "keep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Marks a complete backup as kept: 'backup expire' never deletes it, nor the WAL it needs to become"
                        + " consistent. --off removes the mark.",
                "",
                "Examples:",
                "  pgwarden backup keep --repo /srv/backups 20261203T140512Z",
                "  pgwarden backup keep --repo /srv/backups 20261203T140512Z --off",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:marked (or unmarked)", "1:the repository failed", "2:invalid flag",
                "21:no complete backup of that id"})
public final class BackupKeepCommand extends AbstractCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The backup.")
    String id;

    @Mixin
    BackupRepoOptions repo;

    @Option(names = "--off", description = "Remove the mark.")
    boolean off;

    @Override
    protected int execute() throws IOException {
        try (BackupRepository r = repo.open(sources(null))) {
            if (Catalog.read(r).find(id).filter(Catalog.Entry::complete).isEmpty()) {
                throw new PgWardenException(ErrorCode.NOT_FOUND, "backup keep: no complete backup " + id + " in " + r.describe());
            }
            if (off) {
                r.delete(Catalog.keepKey(id));
            } else {
                r.put(Catalog.keepKey(id), new byte[0]);
            }
            out().println((off ? "unmarked " : "kept ") + id);
            out().flush();
        }
        return 0;
    }
}

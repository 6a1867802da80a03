package io.pgwarden.cli;

import io.pgwarden.backup.BackupRepository;
import io.pgwarden.backup.Verifier;
import io.pgwarden.core.ErrorCode;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden backup verify}: checksums of every backup file and the WAL chain to the end of the archive. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Reads every object the backups need: each file is decompressed and its SHA-256 compared with the"
                        + " manifest; each WAL segment from the backup's start to the end of the archive is decompressed"
                        + " (zstd, lz4 and gzip carry checksums) and its first page checked (right timeline and address)."
                        + " A missing or damaged object is named with what it costs: a backup that cannot be restored, or"
                        + " the point-in-time range recovery can no longer reach.",
                "",
                "Examples:",
                "  pgwarden backup verify --repo /srv/backups",
                "  pgwarden backup verify --repo s3://acme-db/prod --backup 20261203T140512Z",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every object is present and intact", "1:the repository failed", "2:invalid flag",
                "21:no (such) complete backup", "22:damaged or missing objects (each named on stderr)"})
public final class BackupVerifyCommand extends AbstractCommand {
    @Mixin
    BackupRepoOptions repo;

    @Option(names = "--backup", paramLabel = "ID", description = "Verify only this backup (and its WAL). Default: all complete backups.")
    String backup;

    @Override
    protected int execute() throws IOException {
        try (BackupRepository r = repo.open(sources(null))) {
            Verifier.Result res = new Verifier(r).execute(backup);
            for (Verifier.Problem p : res.problems()) {
                err().println("damaged: " + p.describe());
            }
            err().flush();
            out().println((res.ok() ? "verified: " : "NOT verified: ") + res.backups().size() + " backup(s) ("
                    + String.join(", ", res.backups()) + "), " + res.files() + " files, " + res.walSegments() + " WAL segments; "
                    + res.problems().size() + " problem(s)");
            out().flush();
            return res.ok() ? 0 : ErrorCode.BACKUP_DAMAGED.exitCode();
        }
    }
}

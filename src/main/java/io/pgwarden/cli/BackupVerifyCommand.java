package io.pgwarden.cli;

import io.pgwarden.backup.BackupRepository;
import io.pgwarden.backup.Verifier;
import io.pgwarden.backup.Catalog;
import io.pgwarden.backup.RestoreDrill;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.pg.BinariesRequest;
import io.pgwarden.pg.BinariesResolver;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.SystemProcessRunner;
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
                "  pgwarden backup verify --repo /srv/backups --restore-drill",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every object is present and intact", "1:the repository failed", "2:invalid flag",
                "21:no (such) complete backup", "22:damaged or missing objects (each named on stderr), or the drill failed"})
public final class BackupVerifyCommand extends AbstractCommand {
    @Mixin
    BackupRepoOptions repo;

    @Option(names = "--backup", paramLabel = "ID", description = "Verify only this backup (and its WAL). Default: all complete backups.")
    String backup;

    @Option(names = "--restore-drill", description = "Also restore the backup (default: the newest) into a temporary"
            + " directory, start PostgreSQL on a free loopback port, run amcheck on every B-tree index and report the"
            + " time to recover (RTO). Never touches the live server or the repository.")
    boolean drill;

    @Option(names = "--pgwarden-command", paramLabel = "COMMAND",
            description = "How the drill server runs pgwarden in restore_command. Env: PGWARDEN_COMMAND.")
    String pgwardenCommand;

    @Override
    protected int execute() throws IOException {
        ConfigSources sources = sources(null);
        try (BackupRepository r = repo.open(sources)) {
            Verifier.Result res = new Verifier(r).execute(backup);
            for (Verifier.Problem p : res.problems()) {
                err().println("damaged: " + p.describe());
            }
            err().flush();
            out().println((res.ok() ? "verified: " : "NOT verified: ") + res.backups().size() + " backup(s) ("
                    + String.join(", ", res.backups()) + "), " + res.files() + " files, " + res.walSegments() + " WAL segments; "
                    + res.problems().size() + " problem(s)");
            out().flush();
            if (drill && res.ok()) {
                return drill(r, sources);
            }
            return res.ok() ? 0 : ErrorCode.BACKUP_DAMAGED.exitCode();
        }
    }

    private int drill(BackupRepository r, ConfigSources sources) throws IOException {
        Catalog catalog = Catalog.read(r);
        Catalog.Entry e = backup != null ? catalog.find(backup).orElseThrow() : catalog.backups().stream()
                .filter(Catalog.Entry::complete).max(java.util.Comparator.comparing(x -> x.manifest().stopTime())).orElseThrow();
        PgBinaries bin = BinariesResolver.defaults(sources.environment(), System.err)
                .resolve(BinariesRequest.major(e.manifest().serverVersionNum() / 10000));
        String command = sources.find("--pgwarden-command", pgwardenCommand, "PGWARDEN_COMMAND").map(s -> s.value())
                .orElseGet(RestoreCommand::self);
        RestoreDrill.Result d = new RestoreDrill(r, new SystemProcessRunner(), Clock.SYSTEM).execute(e.id(), bin, command,
                repo.location(sources));
        for (String c : d.corrupt()) {
            err().println("amcheck: " + c);
        }
        err().flush();
        out().println("restore drill of backup " + d.backupId() + ": recovered and accepting writes after "
                + Durations.format(d.rto()) + " (RTO) at WAL " + d.position() + "; amcheck " + (d.corrupt().isEmpty()
                ? "clean" : "found " + d.corrupt().size() + " corrupt") + " on " + d.indexes() + " B-tree indexes");
        out().flush();
        return d.corrupt().isEmpty() ? 0 : ErrorCode.BACKUP_DAMAGED.exitCode();
    }
}

package io.pgwarden.cli;

import io.pgwarden.backup.BackupRepository;
import io.pgwarden.backup.Expirer;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import java.io.IOException;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden backup expire}: retention. */
@Command(name = "expire", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Deletes backups beyond the retention and the WAL no kept backup needs. Kept: the newest --keep-full"
                        + " complete backups, those that ended within --keep-within, and every backup marked with"
                        + " 'backup keep'. WAL from the start of the oldest backup kept by count or age is kept (the"
                        + " point-in-time window), and a marked backup's own WAL; history files are never deleted."
                        + " --dry-run prints exactly what the real run deletes.",
                "",
                "Examples:",
                "  pgwarden backup expire --repo /srv/backups --keep-full 2 --dry-run",
                "  pgwarden backup expire --repo s3://acme/db --keep-full 3 --keep-within 14d",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (or planned, with --dry-run)", "1:the repository failed", "2:invalid flag"})
public final class BackupExpireCommand extends AbstractCommand {
    @Mixin
    BackupRepoOptions repo;

    @Option(names = "--keep-full", paramLabel = "N", description = "Complete backups to keep (at least 1). Env: PGWARDEN_BACKUP_KEEP_FULL.")
    String keepFull;

    @Option(names = "--keep-within", paramLabel = "DURATION", description = "Also keep backups that ended this recently (e.g. 7d).")
    String keepWithin;

    @Option(names = "--dry-run", description = "Print what would be deleted; delete nothing.")
    boolean dryRun;

    @Override
    protected int execute() throws IOException {
        ConfigSources sources = sources(null);
        Problems problems = new Problems();
        Integer full = sources.resolve(problems, null, InputParsers::positive, "--keep-full", keepFull, "PGWARDEN_BACKUP_KEEP_FULL");
        Duration within = sources.resolve(problems, null, InputParsers::positiveDuration, "--keep-within", keepWithin);
        if (full == null && problems.isEmpty()) {
            problems.add("--keep-full (or PGWARDEN_BACKUP_KEEP_FULL) is required: how many complete backups to keep, at least 1");
        }
        problems.throwIfAny();
        try (BackupRepository r = repo.open(sources)) {
            Expirer expirer = new Expirer(r, Clock.SYSTEM);
            Expirer.Plan plan = expirer.plan(full, within);
            String verb = dryRun ? "would delete" : "deleted";
            if (!dryRun) {
                expirer.execute(plan);
            }
            for (String id : plan.expiredBackups()) {
                out().println(verb + " backup " + id);
            }
            for (String w : plan.walFiles()) {
                out().println(verb + " WAL " + w);
            }
            out().println((dryRun ? "dry run: " : "") + "kept " + plan.keptBackups().size() + " backup(s) ("
                    + String.join(", ", plan.keptBackups()) + "); " + verb + " " + plan.expiredBackups().size() + " backup(s)"
                    + " and " + plan.walFiles().size() + " WAL file(s)" + (within == null ? "" : "; keep-within "
                    + Durations.format(within)));
            out().flush();
        }
        return 0;
    }
}

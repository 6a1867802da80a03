package io.pgwarden.cli;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.migrate.ValidateCommand;
import io.pgwarden.migrate.ValidateResult;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pgwarden migrate validate}: exit 6 when the history does not match the files. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Checks the migration history against the files. Read-only.",
            "Fails (exit 6) when the database does not exist, an applied file was changed or is missing, a failed"
                + " migration is recorded, or a never-applied file sits below the latest applied version. Pending files"
                + " are fine.", "",
            "Example:",
            "  pgwarden migrate validate --url postgresql://app@db/shop --dir ./migrations", ""})
public final class MigrateValidateCommand extends AbstractCommand {
    @Mixin
    MigrateOptions options;

    @Override
    protected int execute() {
        var settings = options.settings(sources(null));
        ValidateResult r = new ValidateCommand(settings, Clock.SYSTEM).execute();
        if (!r.databaseExists()) {
            // nothing was ever applied there: "valid" would let a deploy gate pass on a database that was never migrated
            long files = r.chains().stream().mapToLong(c -> c.migrations().size()).sum();
            throw new PgWardenException(ErrorCode.VALIDATION_FAILED, "The database " + settings.spec().database() + " on "
                    + settings.spec().address() + " does not exist yet, so none of the " + files + " migration"
                    + (files == 1 ? "" : "s") + " in " + settings.dir() + " was applied there. Run 'pgwarden migrate apply'"
                    + " (it creates the database), or check --url / DATABASE_URL.");
        }
        if (!r.valid()) {
            List<String> lines = new ArrayList<>();
            lines.add("The migration history of " + settings.spec().display() + " does not match " + settings.dir() + ":");
            r.problems().forEach(p -> lines.add("  " + p));
            throw new PgWardenException(ErrorCode.VALIDATION_FAILED, String.join(System.lineSeparator(), lines));
        }
        long n = r.chains().stream().mapToLong(c -> c.migrations().size()).sum();
        out().println("Valid: " + n + " migration" + (n == 1 ? "" : "s") + " in " + r.chains().size() + " chain"
                + (r.chains().size() == 1 ? "" : "s") + " match the history.");
        out().flush();
        return 0;
    }
}

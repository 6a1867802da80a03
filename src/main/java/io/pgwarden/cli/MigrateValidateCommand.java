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
        description = {"Checks the history against the files: fails (exit 6) when an applied file was changed or is",
            "missing, a failed migration is recorded, or a never-applied file sits below the latest applied version.",
            "Pending files are fine. Read-only.", "",
            "Example: pgwarden migrate validate --url postgresql://app@db/shop --dir ./migrations", ""})
public final class MigrateValidateCommand extends AbstractCommand {
    @Mixin
    MigrateOptions options;

    @Override
    protected int execute() {
        var settings = options.settings(sources(null));
        ValidateResult r = new ValidateCommand(settings, Clock.SYSTEM).execute();
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

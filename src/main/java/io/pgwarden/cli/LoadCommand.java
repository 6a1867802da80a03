package io.pgwarden.cli;

import io.pgwarden.backup.LogicalDump;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.SystemProcessRunner;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden load}: restores a pg_dump custom-format file into a database. */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Loads a dump made by 'pgwarden dump' (pg_dump custom format) into a database with pg_restore, in one"
                        + " transaction that stops at the first error. The file is checked with pg_restore --list"
                        + " first. Asks for confirmation on a terminal; without a terminal it refuses unless --yes.",
                "",
                "Examples:",
                "  pgwarden load --url postgresql://postgres@127.0.0.1:5432/copy --in shop.dump",
                "  pgwarden load --url postgresql://postgres@db/shop --in shop.dump --yes",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:loaded", "1:pg_restore failed (nothing loaded) or not confirmed",
                "2:invalid flag, no such file, or no terminal and no --yes", "8:pg_restore not installed",
                "22:pg_restore --list rejects the file"})
public final class LoadCommand extends AbstractCommand {
    @Mixin
    DumpOptions db;

    @Option(names = "--in", paramLabel = "FILE", required = true, description = "The dump file.")
    String in;

    @Option(names = "--yes", description = "Load without asking.")
    boolean yes;

    @Override
    protected int execute() {
        ConfigSources sources = sources(null);
        var spec = db.connection(sources);
        LogicalDump dump = new LogicalDump(new SystemProcessRunner(), db.binaries(sources));
        Path file = Path.of(in);
        int entries = dump.check(file);
        if (!yes) {
            java.io.Console console = System.console();
            if (console == null) {
                throw new PgWardenException(ErrorCode.INVALID_INPUT, "load writes " + entries + " entries of " + file
                        + " into " + spec + "; there is no terminal to confirm on: pass --yes");
            }
            String answer = console.readLine("Load %s (%d entries) into %s? Objects of the same name make it fail."
                    + " Type yes to go on: ", file, entries, spec);
            if (answer == null || !answer.trim().equals("yes")) {
                throw new PgWardenException(ErrorCode.FAILED, "load not confirmed; nothing was loaded");
            }
        }
        dump.load(spec, file);
        out().println("loaded " + file + " (" + entries + " entries) into " + spec);
        out().flush();
        return 0;
    }
}

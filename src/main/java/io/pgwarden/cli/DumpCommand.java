package io.pgwarden.cli;

import io.pgwarden.backup.LogicalDump;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.core.ByteSize;
import io.pgwarden.pg.SystemProcessRunner;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden dump}: a logical backup of one database with pg_dump's custom format. */
@Command(name = "dump", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Dumps one database with pg_dump --format=custom into a new file, checked with pg_restore --list before it"
                        + " gets its name; an existing file is never overwritten. For small databases; use 'pgwarden"
                        + " backup create' for point-in-time recovery. Needs pg_dump and pg_restore (a full PostgreSQL"
                        + " installation: the embedded binaries are server-only).",
                "",
                "Examples:",
                "  pgwarden dump --url postgresql://postgres@127.0.0.1:5432/shop --out shop.dump",
                "  PGPASSWORD=... pgwarden dump --url postgresql://app@db/app --out app.dump",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:dumped and checked", "1:pg_dump failed", "2:invalid flag, or --out exists",
                "8:pg_dump/pg_restore not installed", "22:pg_restore --list rejects the dump"})
public final class DumpCommand extends AbstractCommand {
    @Mixin
    DumpOptions db;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The new dump file (must not exist).")
    String out;

    @Override
    protected int execute() {
        ConfigSources sources = sources(null);
        var spec = db.connection(sources);
        LogicalDump.Result r = new LogicalDump(new SystemProcessRunner(), db.binaries(sources)).dump(spec, Path.of(out));
        out().println("dumped " + spec + " into " + r.file() + " (" + new ByteSize(r.bytes()).toHuman()
                + ", " + r.entries() + " entries; checked with pg_restore --list)");
        out().flush();
        return 0;
    }
}

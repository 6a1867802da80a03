package io.pgwarden.cli;

import io.pgwarden.core.Clock;
import io.pgwarden.migrate.ChainReport;
import io.pgwarden.migrate.InfoCommand;
import io.pgwarden.migrate.InfoResult;
import io.pgwarden.migrate.MigrationInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden migrate info}: every migration with its state. */
@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Lists every migration with its state. Read-only.",
            "States: applied, pending, failed, modified, missing file, future, ignored, baseline, below baseline;"
                + " with version, description, installed on and execution time.", "",
            "Example:",
            "  pgwarden migrate info --url postgresql://app@db/shop --dir ./migrations \\",
            "      --format json", ""})
public final class MigrateInfoCommand extends AbstractCommand {
    /** Output formats of {@code info}. */
    public enum Format { TABLE, JSON }

    @Mixin
    MigrateOptions options;

    @Option(names = "--format", paramLabel = "table|json", description = "Output format. Default: table.")
    Format format = Format.TABLE;

    @Override
    protected int execute() throws Exception {
        InfoResult r = new InfoCommand(options.settings(sources(null)), Clock.SYSTEM).execute();
        if (format == Format.JSON) {
            printJson(out(), r);
        } else {
            printTable(out(), r);
        }
        return 0;
    }

    static void printTable(PrintWriter out, InfoResult r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"CHAIN", "VERSION", "DESCRIPTION", "STATE", "INSTALLED ON", "TIME", "SCRIPT"});
        for (ChainReport c : r.chains()) {
            for (MigrationInfo i : c.migrations()) {
                rows.add(new String[] {c.displayName(), i.version() == null ? "R" : i.version().toString(), i.description(),
                        i.state().label(), i.installedOn() == null ? "" : i.installedOn().toString(),
                        i.executionTimeMs() == null ? "" : i.executionTimeMs() + " ms", i.script()});
            }
        }
        int[] width = new int[rows.get(0).length];
        rows.forEach(row -> {
            for (int k = 0; k < row.length; k++) {
                width[k] = Math.max(width[k], row[k].length());
            }
        });
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < row.length; k++) {
                sb.append(k == row.length - 1 ? row[k] : String.format("%-" + width[k] + "s  ", row[k]));
            }
            out.println(sb.toString().stripTrailing());
        }
        if (!r.databaseExists()) {
            out.println("(the database does not exist yet; apply creates it)");
        }
        out.flush();
    }

    static void printJson(PrintWriter out, InfoResult r) throws Exception {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ChainReport c : r.chains()) {
            for (MigrationInfo i : c.migrations()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("chain", c.group());
                m.put("version", i.version() == null ? null : i.version().toString());
                m.put("description", i.description());
                m.put("type", i.type().name().toLowerCase(java.util.Locale.ROOT));
                m.put("script", i.script());
                m.put("state", i.state().label());
                m.put("checksum", i.checksum());
                m.put("appliedChecksum", i.appliedChecksum());
                m.put("installedOn", i.installedOn() == null ? null : i.installedOn().toString());
                m.put("installedBy", i.installedBy());
                m.put("executionTimeMs", i.executionTimeMs());
                m.put("error", i.error());
                m.put("adoptedFrom", i.applied() == null ? null : i.applied().adoptedFrom());
                if (i.applied() != null && i.applied().adopted() && i.file() != null) {
                    m.put("flywayChecksum", i.file().flywayChecksum()); // what appliedChecksum is compared with
                }
                list.add(m);
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("databaseExists", r.databaseExists());
        root.put("migrations", list);
        root.put("status", r.status());
        out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
        out.flush();
    }
}

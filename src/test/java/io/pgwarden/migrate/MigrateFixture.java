package io.pgwarden.migrate;

import io.pgwarden.cli.Main;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Helpers for the migrate integration tests: files, the CLI with captured output, queries. */
final class MigrateFixture {
    private MigrateFixture() {
    }

    /** What one CLI invocation printed and returned. */
    record CliRun(int exitCode, String out, String err) {
    }

    static CliRun cli(String... args) {
        CommandLine cl = Main.commandLine(Map.of());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    static String url(ConnectionSpec spec) {
        return "postgresql://" + spec.user() + "@" + spec.host() + ":" + spec.port() + "/" + spec.database();
    }

    static void write(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    /** The first column of every row of {@code sql}, as strings. */
    static List<String> column(ConnectionSpec spec, String sql) throws SQLException {
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    static void execute(ConnectionSpec spec, String sql) throws SQLException {
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static MigrationSettings settings(ConnectionSpec spec, Path dir) {
        return new MigrationSettings(spec, dir, MigrationSettings.DEFAULT_SCHEMA, java.time.Duration.ofSeconds(60));
    }
}

package io.pgwarden.migrate;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.List;

/**
 * A migration file checked and ready to run, with the decision how it runs ({@link RunMode}): in one transaction;
 * outside one, statement by statement, when it contains statements that cannot run in one; or as written when it
 * holds its own transaction control ({@code BEGIN}, {@code COMMIT}, ...). A file mixing statements that cannot run in
 * a transaction with ones that must, without transaction control of its own, is rejected before anything runs.
 * A small file keeps its statements in memory; a big one (over {@link #IN_MEMORY_LIMIT}) is checked as a stream and
 * read again, as a stream, when it runs: neither the file nor a copy of it is ever held whole.
 *
 * @param statements  the statements, or null for a file streamed when it runs
 * @param controlLine the line of its first transaction control statement (0: none)
 */
public record SqlScript(ResolvedMigration migration, List<SqlStatement> statements, RunMode mode, int statementCount,
        int controlLine, String controlWhat, Placeholders placeholders, int serverMajor) {

    /** 4 MiB: a typical migration is kilobytes; past this, statements and COPY data are streamed from the file. */
    static final long IN_MEMORY_LIMIT = 4L * 1024 * 1024;

    /** What {@code apply} says after refusing a file. */
    static final String NOTHING_APPLIED = "nothing was applied";

    public boolean transactional() {
        return mode == RunMode.TRANSACTION;
    }

    /** How it runs, for {@code plan}: {@code as written (its own BEGIN/COMMIT, line 3), not atomic as a whole}. */
    public String runs() {
        return mode == RunMode.AS_WRITTEN ? "as written (its own " + controlWhat + " at line " + controlLine
                + "), not atomic as a whole" : mode.words();
    }

    /**
     * Reads and splits the file.
     *
     * @throws PgWardenException INVALID_INPUT naming the file, the lines and what to do
     */
    public static SqlScript load(ResolvedMigration m, int serverMajor) {
        return load(m, serverMajor, NOTHING_APPLIED, null);
    }

    /**
     * As {@link #load(ResolvedMigration, int)}, ending the refusal with {@code consequence} (plan applies nothing,
     * so it says what apply would do instead), with placeholders replaced (null: none).
     */
    static SqlScript load(ResolvedMigration m, int serverMajor, String consequence, Placeholders placeholders) {
        Placeholders p = placeholders == null ? null : placeholders.forFile(m);
        try {
            if (Files.size(m.path()) <= IN_MEMORY_LIMIT) {
                String text = new String(Files.readAllBytes(m.path()), StandardCharsets.UTF_8);
                return of(m, SqlSplitter.split(text, serverMajor, p, m.script()), consequence, p, serverMajor);
            }
            Kinds k = new Kinds();
            try (Reader r = reader(m)) {
                SqlSplitter s = new SqlSplitter(r, serverMajor, p, m.script());
                for (SqlStatement st = s.next(); st != null; st = s.next()) {
                    k.add(st);
                }
            }
            return k.script(m, null, consequence, p, serverMajor);
        } catch (IOException | UncheckedIOException e) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "Migration " + m.script() + " cannot be read ("
                    + e.getMessage() + "); " + consequence + ".", e);
        }
    }

    private static Reader reader(ResolvedMigration m) throws IOException {
        return new BufferedReader(new InputStreamReader(Files.newInputStream(m.path()), StandardCharsets.UTF_8), 64 * 1024);
    }

    static SqlScript of(ResolvedMigration m, List<SqlStatement> statements) {
        return of(m, statements, NOTHING_APPLIED);
    }

    static SqlScript of(ResolvedMigration m, List<SqlStatement> statements, String consequence) {
        return of(m, statements, consequence, null, 15);
    }

    private static SqlScript of(ResolvedMigration m, List<SqlStatement> statements, String consequence,
            Placeholders p, int major) {
        Kinds k = new Kinds();
        statements.forEach(k::add);
        return k.script(m, List.copyOf(statements), consequence, p, major);
    }

    /** The statements in order, from memory or streamed from the file again; close it when done. */
    Statements open() throws IOException {
        if (statements != null) {
            Iterator<SqlStatement> it = statements.iterator();
            return new Statements() {
                @Override
                public SqlStatement next() {
                    return it.hasNext() ? it.next() : null;
                }

                @Override
                public Reader copyData(SqlStatement s) {
                    return new StringReader(s.copyData() == null ? "" : s.copyData());
                }

                @Override
                public void close() {
                }
            };
        }
        Reader r = reader(migration);
        SqlSplitter s = new SqlSplitter(r, serverMajor, placeholders, migration.script());
        return new Statements() {
            @Override
            public SqlStatement next() throws IOException {
                return s.next();
            }

            @Override
            public Reader copyData(SqlStatement st) {
                return s.copyData();
            }

            @Override
            public void close() throws IOException {
                r.close();
            }
        };
    }

    /** A file's statements being read. */
    interface Statements extends AutoCloseable {
        /** The next statement, null at the end. */
        SqlStatement next() throws IOException;

        /** The data of {@code s}, a COPY ... FROM STDIN just returned by {@link #next()}. */
        Reader copyData(SqlStatement s);

        @Override
        void close() throws IOException;
    }

    /** The first statement of each kind, and the count: all the decision needs. */
    private static final class Kinds {
        SqlStatement outside;
        SqlStatement inside;
        SqlStatement control;
        int count;

        void add(SqlStatement s) {
            count++;
            switch (s.kind()) {
                case TRANSACTION_CONTROL -> control = control == null ? s : control;
                case NON_TRANSACTIONAL -> outside = outside == null ? s : outside;
                case TRANSACTIONAL -> inside = inside == null ? s : inside;
                default -> { /* neutral statements run either way */ }
            }
        }

        SqlScript script(ResolvedMigration m, List<SqlStatement> statements, String consequence, Placeholders p,
                int major) {
            if (control != null) {
                return new SqlScript(m, statements, RunMode.AS_WRITTEN, count, control.line(), control.what(), p, major);
            }
            if (outside != null && inside != null) {
                throw new PgWardenException(ErrorCode.INVALID_INPUT, "Migration " + m.script() + " mixes a statement that"
                        + " cannot run inside a transaction (line " + outside.line() + ": " + outside.what() + ") with"
                        + " statements that must run in one (line " + inside.line() + ": " + inside.what() + "), so it"
                        + " could be neither atomic nor run as one transaction; " + consequence + ". Move the "
                        + outside.what() + " statement into a migration file of its own.");
            }
            return new SqlScript(m, statements, outside == null ? RunMode.TRANSACTION : RunMode.OUTSIDE, count, 0, null,
                    p, major);
        }
    }
}

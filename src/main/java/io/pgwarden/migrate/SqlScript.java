package io.pgwarden.migrate;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * A migration file split into statements, with the decision how it runs: in one transaction, or (when it
 * contains statements that cannot run in one) outside, statement by statement. A file mixing both kinds,
 * or containing its own {@code BEGIN}/{@code COMMIT}, is rejected before anything runs.
 */
public record SqlScript(ResolvedMigration migration, List<SqlStatement> statements, boolean transactional) {

    /**
     * Reads and splits the file.
     *
     * @throws PgWardenException INVALID_INPUT naming the file, the lines and what to do
     */
    public static SqlScript load(ResolvedMigration m, int serverMajor) {
        return load(m, serverMajor, NOTHING_APPLIED);
    }

    /** What {@code apply} says after refusing a file. */
    static final String NOTHING_APPLIED = "nothing was applied";

    /**
     * As {@link #load(ResolvedMigration, int)}, ending the refusal with {@code consequence} (plan applies nothing,
     * so it says what apply would do instead).
     */
    static SqlScript load(ResolvedMigration m, int serverMajor, String consequence) {
        String text;
        try {
            text = new String(Files.readAllBytes(m.path()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "Migration " + m.script() + " cannot be read ("
                    + e.getMessage() + "); " + consequence + ".", e);
        }
        return of(m, SqlSplitter.split(text, serverMajor), consequence);
    }

    static SqlScript of(ResolvedMigration m, List<SqlStatement> statements) {
        return of(m, statements, NOTHING_APPLIED);
    }

    static SqlScript of(ResolvedMigration m, List<SqlStatement> statements, String consequence) {
        SqlStatement outside = null;
        SqlStatement inside = null;
        for (SqlStatement s : statements) {
            switch (s.kind()) {
                case TRANSACTION_CONTROL -> throw new PgWardenException(ErrorCode.INVALID_INPUT, "Migration "
                        + m.script() + " line " + s.line() + ": " + s.what() + " is not allowed; pgwarden runs each file"
                        + " in its own transaction (or outside one when it must). Remove the transaction control"
                        + " statements; " + consequence + ".");
                case NON_TRANSACTIONAL -> outside = outside == null ? s : outside;
                case TRANSACTIONAL -> inside = inside == null ? s : inside;
                default -> { /* neutral statements run either way */ }
            }
        }
        if (outside != null && inside != null) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "Migration " + m.script() + " mixes a statement that"
                    + " cannot run inside a transaction (line " + outside.line() + ": " + outside.what() + ") with"
                    + " statements that must run in one (line " + inside.line() + ": " + inside.what() + "), so it"
                    + " could be neither atomic nor run as one transaction; " + consequence + ". Move the "
                    + outside.what() + " statement into a migration file of its own.");
        }
        return new SqlScript(m, List.copyOf(statements), outside == null);
    }
}

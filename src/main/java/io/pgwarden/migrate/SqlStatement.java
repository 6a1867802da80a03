package io.pgwarden.migrate;

/**
 * One statement of a migration file, as the splitter cut it.
 *
 * @param sql  the statement text without its terminating semicolon (comments inside it kept)
 * @param line the 1-based line of the file where the statement starts
 * @param kind whether it may run inside a transaction
 * @param what a short name for messages, e.g. {@code CREATE INDEX CONCURRENTLY}
 */
public record SqlStatement(String sql, int line, StatementKind kind, String what) {

    /** The file line of a 1-based character {@code position} inside {@link #sql()} (PostgreSQL's error position). */
    public int lineOf(int position) {
        int l = line;
        for (int i = 0; i < Math.min(position - 1, sql.length()); i++) {
            if (sql.charAt(i) == '\n') {
                l++;
            }
        }
        return l;
    }
}

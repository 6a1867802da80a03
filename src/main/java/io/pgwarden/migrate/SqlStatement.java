package io.pgwarden.migrate;

/**
 * One statement of a migration file, as the splitter cut it.
 *
 * @param sql      the statement text without its terminating semicolon (comments inside it kept, placeholders replaced)
 * @param line     the 1-based line of the file where the statement starts
 * @param kind     whether it may run inside a transaction
 * @param what     a short name for messages, e.g. {@code CREATE INDEX CONCURRENTLY}
 * @param copyIn   a {@code COPY ... FROM STDIN} whose data follows it in the file
 * @param dataLine for {@code copyIn}: the file line of its first data row
 * @param copyData for {@code copyIn} statements of a file held in memory: the data rows; null when streamed
 */
public record SqlStatement(String sql, int line, StatementKind kind, String what, boolean copyIn, int dataLine,
        String copyData) {

    public SqlStatement(String sql, int line, StatementKind kind, String what) {
        this(sql, line, kind, what, false, 0, null);
    }

    SqlStatement asCopyIn(int firstDataLine) {
        return new SqlStatement(sql, line, kind, what, true, firstDataLine, null);
    }

    SqlStatement withCopyData(String data) {
        return new SqlStatement(sql, line, kind, what, copyIn, dataLine, data);
    }

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

package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.PgConnections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one migration file on the session's connection, reading its statements as a stream. A transactional file
 * runs inside one transaction together with its history row, its statements sent as pipelined batches (one batch
 * for a typical file) and its {@code COPY ... FROM STDIN} data through the driver's copy API, so either all commit or
 * nothing does (a runner killed half-way leaves nothing behind, and the next run applies the file again). A
 * non-transactional file, or one holding its own transaction control, runs statement by statement in autocommit
 * mode, then gets its row. On failure the transaction is rolled back, a failed row is written, and the outcome names
 * file, line and SQLSTATE (and, for a file run as written, what stayed committed). Losing the connection itself is
 * not a migration failure: it is thrown as FAILED. A file that changes {@code search_path} does not change it for
 * the next files (Flyway restores it after each migration too).
 */
public final class MigrationExecutor {
    private static final Logger log = LoggerFactory.getLogger(MigrationExecutor.class);

    /** pgjdbc names the failing entry of a batch: "Batch entry 3 INSERT ... was aborted: ...". */
    private static final Pattern BATCH_ENTRY = Pattern.compile("Batch entry (\\d+) ");
    /** PostgreSQL's context of a failing COPY row: "COPY t, line 5, column b: ...". */
    private static final Pattern COPY_LINE = Pattern.compile("COPY [^,]+, line (\\d+)");
    /** 1 M characters per pipelined batch: one batch for typical files, bounded memory for a 1 GB one. */
    private static final long BATCH_CHARS = 1024 * 1024;

    private final Connection connection;
    private final SchemaHistory history;
    private final Clock clock;
    /** The search_path every file starts with; null until first needed. */
    private String searchPath;

    public MigrationExecutor(Connection connection, SchemaHistory history, Clock clock) {
        this.connection = connection;
        this.history = history;
        this.clock = clock;
    }

    /**
     * Puts {@code schema} first in the search_path every file runs with (Flyway's defaultSchema), before what the
     * session had: {@code "app", "$user", public}. Nothing for {@code public}.
     */
    public void useSchema(String schema) throws SQLException {
        if (!"public".equals(schema)) {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT set_config('search_path', ? || ', ' || current_setting('search_path'), false)")) {
                ps.setString(1, io.pgwarden.pg.SqlIdentifiers.quote(schema));
                ps.execute();
            }
        }
        searchPath = currentSearchPath();
    }

    /**
     * Runs {@code script}.
     *
     * @param previousFailure the failed row this run replaces (retry), or null
     */
    public ExecutionOutcome run(SqlScript script, AppliedMigration previousFailure) {
        ResolvedMigration m = script.migration();
        long start = clock.nanoTime();
        Progress progress = new Progress();
        try {
            if (searchPath == null) {
                searchPath = currentSearchPath();
            }
            connection.setAutoCommit(!script.transactional());
            if (script.transactional()) {
                runInTransaction(script, previousFailure, progress);
            } else {
                runOneByOne(script, previousFailure, progress);
            }
            int millis = millisSince(start);
            log.debug("applied {} in {} ms", m.script(), millis);
            return new ExecutionOutcome(m, script.mode(), millis, null);
        } catch (FailedStatement e) {
            return failed(script, e.statement, e.cause, millisSince(start), previousFailure, progress);
        } catch (SQLException e) {
            return failed(script, progress.current, e, millisSince(start), previousFailure, progress);
        } catch (IOException | UncheckedIOException e) {
            rollbackQuietly();
            throw new PgWardenException(ErrorCode.FAILED, "Could not read migration " + m.script() + " while applying it ("
                    + e.getMessage() + ")" + (script.transactional() ? "; its transaction was rolled back" : "")
                    + ". Check the file, then apply again.", e);
        } finally {
            try {
                connection.setAutoCommit(true);
                if (progress.searchPathChanged) {
                    restoreSearchPath();
                }
            } catch (SQLException e) {
                log.debug("resetting the session after {} failed: {}", m.script(), e.getMessage());
            }
        }
    }

    /** Where a file stands while it runs: for messages, and for what to reset afterwards. */
    private static final class Progress {
        SqlStatement current;
        /** The line of the BEGIN of the transaction block open now, in a file run as written (0: none open). */
        int openSince;
        int statementsRun;
        boolean searchPathChanged;

        void saw(SqlStatement s) {
            current = s;
            if (!searchPathChanged) {
                searchPathChanged = mentionsSearchPath(s.sql());
            }
        }
    }

    /** Whether {@code sql} mentions search_path in any case, without copying it. */
    static boolean mentionsSearchPath(String sql) {
        String word = "search_path";
        for (int i = sql.indexOf('_'); i >= 0; i = sql.indexOf('_', i + 1)) {
            if (i >= 6 && sql.regionMatches(true, i - 6, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends the statements of a transactional file and its history row as pipelined batches (one round trip per
     * batch instead of one per statement), COPY data through the copy API, then commits. The server runs them in
     * order, exactly as one by one.
     */
    private void runInTransaction(SqlScript script, AppliedMigration previousFailure, Progress progress)
            throws SQLException, FailedStatement, IOException {
        if (previousFailure != null) {
            history.delete(previousFailure.installedRank());
        }
        List<SqlStatement> batch = new ArrayList<>();
        boolean earlier = false; // something of the file ran before the current batch
        try (SqlScript.Statements statements = script.open(); Statement st = connection.createStatement()) {
            st.setEscapeProcessing(false);
            long chars = 0;
            for (SqlStatement s = statements.next(); s != null; s = statements.next()) {
                progress.saw(s);
                if (s.copyIn()) {
                    flush(st, batch, earlier);
                    earlier = true;
                    copy(s, statements);
                    continue;
                }
                st.addBatch(s.sql());
                batch.add(s);
                chars += s.sql().length();
                if (chars > BATCH_CHARS) {
                    flush(st, batch, earlier);
                    earlier = true;
                    chars = 0;
                }
            }
            st.addBatch(history.recordStatement(row(script.migration(), 0, true, null)));
            batch.add(null); // the history row
            flush(st, batch, earlier);
        }
        progress.current = null; // a failure now is the commit's (a deferred constraint), not a statement's
        connection.commit();
    }

    private void flush(Statement st, List<SqlStatement> batch, boolean earlier) throws SQLException, FailedStatement {
        if (batch.isEmpty()) {
            return;
        }
        try {
            st.executeBatch();
        } catch (BatchUpdateException e) {
            SQLException cause = e.getNextException() != null ? e.getNextException() : e;
            if (connectionLost(cause)) {
                throw cause;
            }
            Matcher entry = BATCH_ENTRY.matcher(String.valueOf(e.getMessage()));
            int index = entry.find() ? Integer.parseInt(entry.group(1)) : -1;
            if (index >= 0 && index < batch.size()) {
                throw new FailedStatement(batch.get(index), cause); // null: the history row itself
            }
            if (earlier || batch.contains(null) && batch.size() == 1) {
                throw new FailedStatement(null, cause);
            }
            throw locate(batch, cause);
        } finally {
            batch.clear();
            st.clearBatch();
        }
    }

    private void copy(SqlStatement s, SqlScript.Statements statements) throws SQLException, FailedStatement, IOException {
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(s.sql(), statements.copyData(s), 64 * 1024);
        } catch (SQLException e) {
            if (connectionLost(e)) {
                throw e;
            }
            throw new FailedStatement(s, e);
        }
    }

    /** Runs a file statement by statement in autocommit: outside a transaction, or as written (its own blocks). */
    private void runOneByOne(SqlScript script, AppliedMigration previousFailure, Progress progress)
            throws SQLException, FailedStatement, IOException {
        try (SqlScript.Statements statements = script.open(); Statement st = connection.createStatement()) {
            st.setEscapeProcessing(false);
            for (SqlStatement s = statements.next(); s != null; s = statements.next()) {
                progress.saw(s);
                if (s.copyIn()) {
                    copy(s, statements);
                } else {
                    st.execute(s.sql());
                }
                progress.statementsRun++;
                if (s.kind() == StatementKind.TRANSACTION_CONTROL) {
                    boolean opens = s.what().equals("BEGIN") || s.what().equals("START");
                    progress.openSince = opens ? s.line() : 0;
                }
            }
        }
        progress.current = null;
        if (previousFailure != null) {
            history.delete(previousFailure.installedRank());
        }
        history.add(row(script.migration(), 0, true, null));
        if (transactionState() != TransactionState.IDLE) {
            // the file ended inside its own BEGIN block: its history row joins the block, and both commit
            log.warn("migration {} ended inside a transaction block begun at line {}; committed it with its history row",
                    script.migration().script(), progress.openSince);
            try (Statement st = connection.createStatement()) {
                st.execute("COMMIT");
            }
        }
    }

    private TransactionState transactionState() throws SQLException {
        return connection.unwrap(BaseConnection.class).getTransactionState();
    }

    /**
     * When the driver's message does not say which batch entry failed: replay the batch one statement at a
     * time in a transaction that is rolled back, to find the statement (and so the line) that fails.
     */
    private FailedStatement locate(List<SqlStatement> statements, SQLException original) {
        rollbackQuietly();
        try (Statement st = connection.createStatement()) {
            st.setEscapeProcessing(false);
            for (SqlStatement s : statements) {
                if (s == null) {
                    continue;
                }
                try {
                    st.execute(s.sql());
                } catch (SQLException e) {
                    return new FailedStatement(s, e);
                }
            }
        } catch (SQLException e) {
            return new FailedStatement(null, original);
        } finally {
            rollbackQuietly();
        }
        return new FailedStatement(null, original);
    }

    /** Which statement of a batch failed, and why. */
    private static final class FailedStatement extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient SqlStatement statement;
        private final SQLException cause;

        FailedStatement(SqlStatement statement, SQLException cause) {
            super(cause.getMessage(), cause, false, false);
            this.statement = statement;
            this.cause = cause;
        }
    }

    private ExecutionOutcome failed(SqlScript script, SqlStatement statement, SQLException e, int millis,
            AppliedMigration previousFailure, Progress progress) {
        ResolvedMigration m = script.migration();
        if (connectionLost(e)) {
            throw new PgWardenException(ErrorCode.FAILED, "Lost the connection while applying " + m.script() + ": "
                    + PgConnections.describe(e) + (script.transactional()
                            ? ". Its transaction was rolled back by the server; run apply again."
                            : ". It ran outside a single transaction, so statements before the one running stay applied;"
                                    + " check the database, then run apply again."), e);
        }
        String state = e.getSQLState() == null ? "?????" : e.getSQLState();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int line = statement == null ? 0 : statement.line();
        if (e instanceof PSQLException pe && pe.getServerErrorMessage() != null) {
            ServerErrorMessage sem = pe.getServerErrorMessage();
            message = sem.getMessage() + (sem.getDetail() == null ? "" : " (" + sem.getDetail() + ")");
            Matcher copyLine = sem.getWhere() == null ? null : COPY_LINE.matcher(sem.getWhere());
            if (statement != null && statement.copyIn() && copyLine != null && copyLine.find()) {
                line = statement.dataLine() + Integer.parseInt(copyLine.group(1)) - 1;
                message += " (COPY data row " + copyLine.group(1) + ")";
            } else if (statement != null && sem.getPosition() > 0) {
                line = statement.lineOf(sem.getPosition());
            }
        }
        String effect = null;
        if (script.mode() == RunMode.AS_WRITTEN) {
            boolean open = inTransactionBlock();
            effect = "it runs as written with its own transaction control (" + script.controlWhat() + " at line "
                    + script.controlLine() + "), so it is not atomic as a whole: " + (progress.statementsRun == 0
                            ? "no statement before it had run"
                            : open && progress.openSince > 0
                                    ? "the statements before line " + progress.openSince + " stayed committed, and its"
                                            + " transaction block begun at line " + progress.openSince + " was rolled back"
                                    : "the " + progress.statementsRun + " statement" + (progress.statementsRun == 1 ? "" : "s")
                                            + " before " + (line > 0 ? "line " + line : "it") + " stayed committed");
        }
        rollbackQuietly();
        MigrationFailure failure = new MigrationFailure(m.group(), m.script(), line, state, message,
                script.transactional(), effect);
        try {
            connection.setAutoCommit(true);
            if (previousFailure != null) {
                history.delete(previousFailure.installedRank());
            }
            history.add(row(m, millis, false, failure.summary()));
        } catch (SQLException recordError) {
            log.warn("could not record the failure of {} in {}: {}", m.script(), history.tableName(),
                    PgConnections.describe(recordError));
        }
        // the caller reports the failure (apply's error line, watch's listener): logging it here printed it twice
        log.debug("{}", failure.message());
        return new ExecutionOutcome(m, script.mode(), millis, failure);
    }

    private boolean inTransactionBlock() {
        try {
            return transactionState() != TransactionState.IDLE;
        } catch (SQLException e) {
            return false;
        }
    }

    private String currentSearchPath() throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SHOW search_path")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void restoreSearchPath() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT set_config('search_path', ?, false)")) {
            ps.setString(1, searchPath);
            ps.execute();
        }
    }

    /** Rolls back whatever is open: the file's transaction, or a block a file run as written left open. */
    private void rollbackQuietly() {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            } else if (transactionState() != TransactionState.IDLE) {
                try (Statement st = connection.createStatement()) {
                    st.execute("ROLLBACK");
                }
            }
        } catch (SQLException e) {
            log.debug("rollback failed: {}", e.getMessage());
        }
    }

    private static boolean connectionLost(SQLException e) {
        String s = e.getSQLState();
        return s != null && (s.startsWith("08") || s.equals("57P01") || s.equals("57P02") || s.equals("57P03"));
    }

    private int millisSince(long start) {
        return (int) Math.min(Integer.MAX_VALUE, (clock.nanoTime() - start) / 1_000_000);
    }

    private static AppliedMigration row(ResolvedMigration m, int millis, boolean success, String error) {
        return new AppliedMigration(0, m.group(), m.version() == null ? null : m.version().toString(), m.description(),
                m.type(), m.script(), m.checksum(), null, null, millis, success, error);
    }
}

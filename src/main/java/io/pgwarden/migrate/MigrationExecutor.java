package io.pgwarden.migrate;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.PgConnections;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one migration file on the session's connection. A transactional file runs inside one transaction
 * together with its history row, sent as one pipelined batch, so either both commit or neither does (a runner
 * killed half-way leaves nothing behind, and the next run applies the file again). A non-transactional
 * file runs statement by statement in autocommit mode, then gets its row. On failure the transaction is
 * rolled back, a failed row is written, and the outcome names file, line and SQLSTATE. Losing the
 * connection itself is not a migration failure: it is thrown as FAILED.
 */
public final class MigrationExecutor {
    private static final Logger log = LoggerFactory.getLogger(MigrationExecutor.class);

    /** pgjdbc names the failing entry of a batch: "Batch entry 3 INSERT ... was aborted: ...". */
    private static final Pattern BATCH_ENTRY = Pattern.compile("Batch entry (\\d+) ");

    private final Connection connection;
    private final SchemaHistory history;
    private final Clock clock;

    public MigrationExecutor(Connection connection, SchemaHistory history, Clock clock) {
        this.connection = connection;
        this.history = history;
        this.clock = clock;
    }

    /**
     * Runs {@code script}.
     *
     * @param previousFailure the failed row this run replaces (retry), or null
     */
    public ExecutionOutcome run(SqlScript script, AppliedMigration previousFailure) {
        ResolvedMigration m = script.migration();
        long start = clock.nanoTime();
        SqlStatement current = null;
        try {
            connection.setAutoCommit(!script.transactional());
            if (script.transactional()) {
                runInOneRoundTrip(script, previousFailure);
            } else {
                try (Statement st = connection.createStatement()) {
                    st.setEscapeProcessing(false);
                    for (SqlStatement s : script.statements()) {
                        current = s;
                        st.execute(s.sql());
                    }
                }
                current = null;
                if (previousFailure != null) {
                    history.delete(previousFailure.installedRank());
                }
                history.add(row(m, millisSince(start), true, null));
            }
            int millis = millisSince(start);
            log.debug("applied {} in {} ms", m.script(), millis);
            return new ExecutionOutcome(m, script.transactional(), millis, null);
        } catch (FailedStatement e) {
            return failed(script, e.statement, e.cause, millisSince(start), previousFailure);
        } catch (SQLException e) {
            return failed(script, current, e, millisSince(start), previousFailure);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                log.debug("resetting autocommit failed: {}", e.getMessage());
            }
        }
    }

    /**
     * Sends every statement of a transactional file and its history row as one pipelined batch (one round
     * trip instead of one per statement), then commits. The server runs them in order, exactly as one by one.
     */
    private void runInOneRoundTrip(SqlScript script, AppliedMigration previousFailure) throws SQLException, FailedStatement {
        if (previousFailure != null) {
            history.delete(previousFailure.installedRank());
        }
        List<SqlStatement> statements = script.statements();
        try (Statement st = connection.createStatement()) {
            st.setEscapeProcessing(false);
            for (SqlStatement s : statements) {
                st.addBatch(s.sql());
            }
            st.addBatch(history.recordStatement(row(script.migration(), 0, true, null)));
            st.executeBatch();
        } catch (BatchUpdateException e) {
            SQLException cause = e.getNextException() != null ? e.getNextException() : e;
            if (connectionLost(cause)) {
                throw cause;
            }
            Matcher entry = BATCH_ENTRY.matcher(String.valueOf(e.getMessage()));
            int index = entry.find() ? Integer.parseInt(entry.group(1)) : -1;
            if (index >= 0 && index < statements.size()) {
                throw new FailedStatement(statements.get(index), cause);
            }
            if (index == statements.size()) {
                throw new FailedStatement(null, cause); // the history row itself
            }
            throw locate(statements, cause);
        }
        connection.commit();
    }

    /**
     * When the driver's message does not say which batch entry failed: replay the file one statement at a
     * time in a transaction that is rolled back, to find the statement (and so the line) that fails.
     */
    private FailedStatement locate(List<SqlStatement> statements, SQLException original) {
        rollbackQuietly();
        try (Statement st = connection.createStatement()) {
            st.setEscapeProcessing(false);
            for (SqlStatement s : statements) {
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
            AppliedMigration previousFailure) {
        ResolvedMigration m = script.migration();
        if (connectionLost(e)) {
            throw new PgWardenException(ErrorCode.FAILED, "Lost the connection while applying " + m.script() + ": "
                    + PgConnections.describe(e) + ". A transactional file was rolled back by the server; run apply again.", e);
        }
        if (script.transactional()) {
            rollbackQuietly();
        }
        String state = e.getSQLState() == null ? "?????" : e.getSQLState();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int line = statement == null ? 0 : statement.line();
        if (e instanceof PSQLException pe && pe.getServerErrorMessage() != null) {
            ServerErrorMessage sem = pe.getServerErrorMessage();
            message = sem.getMessage() + (sem.getDetail() == null ? "" : " (" + sem.getDetail() + ")");
            if (statement != null && sem.getPosition() > 0) {
                line = statement.lineOf(sem.getPosition());
            }
        }
        MigrationFailure failure = new MigrationFailure(m.group(), m.script(), line, state, message, script.transactional());
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
        return new ExecutionOutcome(m, script.transactional(), millis, failure);
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
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

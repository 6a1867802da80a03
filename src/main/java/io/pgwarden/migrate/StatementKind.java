package io.pgwarden.migrate;

/** How a statement relates to transactions; decides how its file runs. */
public enum StatementKind {
    /** Ordinary SQL: runs inside the file's transaction. */
    TRANSACTIONAL,
    /** Cannot run inside a transaction block ({@code CREATE INDEX CONCURRENTLY}, {@code VACUUM}, ...). */
    NON_TRANSACTIONAL,
    /** Session settings ({@code SET}, {@code RESET}, {@code SHOW}): fine either way. */
    NEUTRAL,
    /** {@code BEGIN}, {@code COMMIT}, ...: pgwarden owns the transaction, so files may not contain these. */
    TRANSACTION_CONTROL
}

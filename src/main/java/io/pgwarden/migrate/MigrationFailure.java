package io.pgwarden.migrate;

/**
 * Why one migration failed, with everything a user needs: file, line, SQLSTATE, server message, and
 * whether its effects were rolled back.
 *
 * @param line         the file line of the failing statement (0 when no statement failed: the commit or the history row did)
 * @param transactional true when the file ran in one transaction (then nothing of it stayed applied)
 * @param effect       what stayed applied, in words, for a file that ran as written (its own BEGIN/COMMIT); null
 *                     for the other files (derived from {@code transactional})
 */
public record MigrationFailure(String group, String script, int line, String sqlState, String serverMessage,
        boolean transactional, String effect) {

    public MigrationFailure(String group, String script, int line, String sqlState, String serverMessage,
            boolean transactional) {
        this(group, script, line, sqlState, serverMessage, transactional, null);
    }

    /** {@code gcp/003_x.sql line 12: SQLSTATE 42P07: relation "idx_a" already exists}: stored in the history row. */
    public String summary() {
        return script + (line > 0 ? " line " + line : "") + ": SQLSTATE " + sqlState + ": " + serverMessage;
    }

    /** The full message: what failed, what state the database is in, what to do next. */
    public String message() {
        return message(false);
    }

    /**
     * As {@link #message()}; with {@code watching}, the next step is the one {@code migrate watch} needs: fix the
     * file, and watch applies it again when it changes (no repair).
     */
    public String message(boolean watching) {
        String chain = MigrationChain.displayName(group);
        String effect = this.effect != null ? this.effect : transactional
                ? "its transaction was rolled back, so nothing of it stayed applied"
                : "it ran outside a transaction, so statements before " + (line > 0 ? "line " + line : "the failing one")
                        + " stay applied (drop any INVALID"
                        + " index a failed CREATE INDEX CONCURRENTLY left, and make the file safe to re-run with IF NOT EXISTS)";
        String where = line > 0 ? " at line " + line : " while committing";
        return "Migration " + script + " failed" + where + " (SQLSTATE " + sqlState + ": " + serverMessage + "); " + effect + "; later migrations of chain " + chain + " were not applied. " + (watching
                ? "Fix the file: watch applies it again as soon as it changes."
                : "Fix the file" + (this.effect != null ? " (make it safe to re-run over what stayed committed)" : "")
                        + ", then run 'pgwarden migrate repair' and apply again (or 'pgwarden migrate apply --retry-failed').");
    }
}

package io.pgwarden.migrate;

/** How a migration file runs. */
public enum RunMode {
    /** The whole file and its history row in one transaction: all or nothing. */
    TRANSACTION("in a transaction"),
    /** Statement by statement in autocommit: it holds a statement that cannot run in a transaction block. */
    OUTSIDE("outside a transaction"),
    /**
     * As written, statement by statement in autocommit, its own {@code BEGIN}/{@code COMMIT} blocks defining its
     * transactions; the history row is written after its last statement. Not atomic as a whole.
     */
    AS_WRITTEN("as written (its own BEGIN/COMMIT), not atomic as a whole");

    private final String words;

    RunMode(String words) {
        this.words = words;
    }

    /** For output: {@code in a transaction}. */
    public String words() {
        return words;
    }
}

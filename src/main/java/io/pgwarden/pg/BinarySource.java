package io.pgwarden.pg;

/** Where the PostgreSQL binaries pgwarden runs came from, in the order they are looked for. */
public enum BinarySource {
    /** {@code --pg-bin DIR}. */
    FLAG,
    /** The {@code PG_BINDIR} environment variable. */
    ENV,
    /** {@code pg_config --bindir} of the first {@code pg_config} on {@code PATH}. */
    PG_CONFIG,
    /** The newest {@code /usr/lib/postgresql/N/bin} (Debian/Ubuntu layout). */
    SYSTEM,
    /** Server-only binaries from Maven Central, cached by {@link EmbeddedBinaries}. */
    EMBEDDED
}

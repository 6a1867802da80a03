package io.pgwarden.cli;

import io.pgwarden.core.PgVersion;
import java.util.Map;

/**
 * The tuned settings {@code up} writes into {@code pgwarden.conf}, computed once the major version of
 * the binaries is known. Ordered; each value as postgresql.conf spells it.
 */
interface UpTuning {
    /** No tuning: PostgreSQL's own defaults. */
    UpTuning NONE = major -> Map.of();

    Map<String, String> settings(PgVersion major);
}

package io.pgwarden.pg;

import io.pgwarden.core.PgVersion;
import java.nio.file.Path;

/**
 * What the user asked for: an explicit bin directory ({@code --pg-bin}) and/or a major version, each
 * with the origin to name in messages ({@code --pg-version}, {@code PG_VERSION of ./pgwarden-data}).
 * Null fields mean "not asked".
 */
public record BinariesRequest(Path pgBin, String pgBinOrigin, PgVersion major, String majorOrigin) {
    /** No preference: take what the machine offers, else embedded PostgreSQL {@value BinariesResolver#DEFAULT_MAJOR}. */
    public static BinariesRequest any() {
        return new BinariesRequest(null, null, null, null);
    }

    public static BinariesRequest major(int major) {
        return new BinariesRequest(null, null, new PgVersion(major), "--pg-version");
    }
}

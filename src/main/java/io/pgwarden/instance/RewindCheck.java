package io.pgwarden.instance;

import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Whether pg_rewind can be used on a data directory, and if not, why: it must be allowed, present among
 * the binaries, and the directory must have data checksums or {@code wal_log_hints} (pg_rewind refuses
 * otherwise; {@code pgwarden up} turns checksums on at initdb). pg_controldata answers the last question.
 */
final class RewindCheck {
    /** pg_controldata reads one 8 kB file. */
    private static final Duration CONTROLDATA_TIMEOUT = Duration.ofSeconds(30);

    private final ProcessRunner runner;
    private final PgBinaries binaries;

    RewindCheck(ProcessRunner runner, PgBinaries binaries) {
        this.runner = runner;
        this.binaries = binaries;
    }

    /** Null when pg_rewind may be tried, else why not (for the user). */
    String blocker(Path dataDir, boolean allowed) {
        if (!allowed) {
            return "pg_rewind was disabled with --no-rewind";
        }
        if (!binaries.has("pg_rewind")) {
            return "there is no pg_rewind in " + binaries.binDir() + " (" + binaries.reason() + ")";
        }
        if (binaries.has("pg_controldata")) {
            ProcessResult r = runner.run(List.of(binaries.program("pg_controldata").toString(), "-D", dataDir.toString()),
                    null, java.util.Map.of("LC_ALL", "C"), CONTROLDATA_TIMEOUT);
            if (r.ok()) {
                boolean checksums = !value(r.stdout(), "Data page checksum version").equals("0");
                boolean hints = value(r.stdout(), "wal_log_hints setting").equals("on");
                if (!checksums && !hints) {
                    return dataDir + " has neither data checksums nor wal_log_hints=on, which pg_rewind needs";
                }
            }
        }
        return null;
    }

    static String value(String controldata, String key) {
        return controldata.lines().filter(l -> l.startsWith(key + ":")).map(l -> l.substring(key.length() + 1).strip())
                .findFirst().orElse("");
    }
}

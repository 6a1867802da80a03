package io.pgwarden.tune;

import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.testing.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code postgres -D DATA [args] -C name}: the server binary reads postgresql.conf (with includes) and
 * the {@code -c} arguments, validates every setting and prints one value without starting; it exits
 * non-zero naming any value it rejects. Works next to a running server of the same data directory.
 */
final class PostgresBinary {
    /** The binary answers in well under a second; a loaded 2-core CI machine may need much longer. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private PostgresBinary() {
    }

    static String show(TestPostgres pg, List<String> args, String name) {
        List<String> command = new ArrayList<>(List.of(pg.binDir().resolve("postgres").toString(), "-D",
                pg.dataDir().toString()));
        command.addAll(args);
        command.addAll(List.of("-C", name));
        ProcessResult r = new SystemProcessRunner().run(Privileges.detect(null).asServerUser(command), pg.baseDir(),
                Map.of("LC_ALL", "C.UTF-8"), TIMEOUT);
        if (!r.ok()) {
            throw new AssertionError("postgres rejected the settings (" + r.exitCode() + "): " + r.stderr() + r.stdout());
        }
        return r.stdout().trim();
    }
}

package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.PgVersion;
import io.pgwarden.pg.BinarySource;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When pg_rewind is tried, and the reason given when it is not. */
class RewindCheckTest {
    @TempDir
    Path dir;

    @Test
    void pgRewindNeedsToBeAllowedPresentAndChecksumsOrHintsOn() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        PgBinaries binaries = new PgBinaries(bin, new PgVersion(15), "15.8", BinarySource.SYSTEM, "test binaries");
        String[] controldata = {"Data page checksum version:           1\nwal_log_hints setting:                off\n"};
        ProcessRunner runner = new ProcessRunner() {
            @Override
            public ProcessResult run(List<String> command, Path workDir, Map<String, String> extraEnv, Duration timeout) {
                return new ProcessResult(command, 0, controldata[0], "");
            }

            @Override
            public Process start(List<String> command, Path workDir, Map<String, String> extraEnv, Path logFile) {
                throw new UnsupportedOperationException();
            }
        };
        RewindCheck check = new RewindCheck(runner, binaries);
        Path data = dir.resolve("data");

        assertThat(check.blocker(data, false)).isEqualTo("pg_rewind was disabled with --no-rewind");
        assertThat(check.blocker(data, true)).isEqualTo("there is no pg_rewind in " + bin + " (test binaries)");
        for (String tool : List.of("pg_rewind", "pg_controldata")) {
            Files.writeString(bin.resolve(tool), "#!/bin/sh\n").toFile().setExecutable(true);
        }
        assertThat(check.blocker(data, true)).isNull();
        controldata[0] = "Data page checksum version:           0\nwal_log_hints setting:                on\n";
        assertThat(check.blocker(data, true)).isNull();
        controldata[0] = "Data page checksum version:           0\nwal_log_hints setting:                off\n";
        assertThat(check.blocker(data, true)).isEqualTo(data + " has neither data checksums nor wal_log_hints=on, which pg_rewind needs");
    }
}

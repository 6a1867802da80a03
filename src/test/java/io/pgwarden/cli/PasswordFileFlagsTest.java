package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.instance.PasswordFile;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A password file that is not there is an input error saying so, not a permission problem. */
class PasswordFileFlagsTest {
    @TempDir
    Path dir;

    @Test
    void aMissingPrimaryPasswordFileIsNamedWithTheOtherProblems() {
        Path missing = dir.resolve("nope.password");
        CliRun r = CliRun.of(Map.of("PGWARDEN_MAX_RESTARTS", "x"), "up", "--data-dir", dir.resolve("data").toString(),
                "--replica-of", "127.0.0.1:1", "--primary-password-file", missing.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--primary-password-file=" + missing + ": no such file; check the path\n")
                .contains("PGWARDEN_MAX_RESTARTS=x: ").doesNotContain("0600");
        CliRun env = CliRun.of(Map.of("PGWARDEN_PRIMARY_PASSWORD_FILE", missing.toString()), "rejoin",
                "--data-dir", dir.toString(), "--primary", "127.0.0.1:1");
        assertThat(env.err()).contains("PGWARDEN_PRIMARY_PASSWORD_FILE=" + missing + ": no such file; check the path");
        assertThat(env.exitCode()).isEqualTo(2);
    }

    @Test
    void statusAndPromoteSayTheirPasswordFileIsMissing() {
        Path missing = dir.resolve("nope.password");
        for (String command : new String[] {"status", "promote"}) {
            CliRun r = CliRun.of(Map.of(), command, "--data-dir", dir.toString(), "--password-file", missing.toString());
            assertThat(r.err()).isEqualTo("error: --password-file=" + missing + ": no such file; check the path\n");
            assertThat(r.exitCode()).isEqualTo(2);
        }
    }

    @Test
    void readingAMissingFileSaysItDoesNotExist() {
        Path missing = dir.resolve("gone");
        assertThatThrownBy(() -> PasswordFile.read(missing))
                .isInstanceOfSatisfying(PgWardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("Password file " + missing + " does not exist; check the path (pgwarden reads it, it does not"
                        + " create it).");
    }
}

package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@code healthcheck} looks for the server; checking a running server is covered by UpIT. */
class HealthcheckCommandTest {
    @TempDir
    Path data;

    private void postmasterPid(int port, String listen) throws Exception {
        Files.writeString(data.resolve("postmaster.pid"),
                "4242\n" + data + "\n1700000000\n" + port + "\n/tmp\n" + listen + "\n  1234     5678\nready   \n");
    }

    @Test
    void theDataDirectorysServerIsCheckedWhenNoPortIsGiven() throws Exception {
        int port = TestPostgres.freePort();
        postmasterPid(port, "*");
        CliRun r = CliRun.of(Map.of(), "healthcheck", "--data-dir", data.toString());
        assertThat(r.out()).startsWith("critical: not accepting connections at 127.0.0.1:" + port + ": ");
        assertThat(r.exitCode()).isEqualTo(2);

        postmasterPid(port, "127.0.0.2");
        assertThat(CliRun.of(Map.of("PGDATA", data.toString()), "healthcheck").out())
                .startsWith("critical: not accepting connections at 127.0.0.2:" + port + ": ");
    }

    @Test
    void anExplicitPortWins() throws Exception {
        int port = TestPostgres.freePort();
        int other = TestPostgres.freePort();
        postmasterPid(port, "*");
        assertThat(CliRun.of(Map.of("PGPORT", Integer.toString(other)), "healthcheck", "--data-dir", data.toString()).out())
                .startsWith("critical: not accepting connections at 127.0.0.1:" + other + ": ");
        assertThat(CliRun.of(Map.of(), "healthcheck", "--data-dir", data.toString(), "--port", Integer.toString(other)).out())
                .startsWith("critical: not accepting connections at 127.0.0.1:" + other + ": ");
    }

    @Test
    void usageErrorsHaveTheirOwnExitCodeAndPatroniRoleNamesAreAccepted() throws Exception {
        int port = TestPostgres.freePort();
        CliRun typo = CliRun.of(Map.of(), "healthcheck", "--port", Integer.toString(port), "--expect-role", "mastr");
        assertThat(typo.exitCode()).isEqualTo(64);
        assertThat(typo.err()).contains("--expect-role=mastr").contains("allowed values are primary (or master) and"
                + " replica (or standby)");
        CliRun unknown = CliRun.of(Map.of(), "healthcheck", "--port", Integer.toString(port), "--expect-rol", "primary");
        assertThat(unknown.exitCode()).isEqualTo(64);
        assertThat(unknown.err()).contains("--expect-rol");
        // master is Patroni's name for the primary: accepted, so this is the server's state (critical: nothing listens)
        CliRun master = CliRun.of(Map.of(), "healthcheck", "--port", Integer.toString(port), "--expect-role", "master");
        assertThat(master.exitCode()).isEqualTo(2);
        assertThat(master.out()).startsWith("critical: not accepting connections at 127.0.0.1:" + port + ": ");
        assertThat(CliRun.of(Map.of(), "healthcheck", "--help").out()).contains("64   usage error (unknown flag, invalid value)")
                .contains("2    critical (not accepting connections, SELECT 1 failed, wrong role)");
        // other commands keep exit 2 for invalid input
        assertThat(CliRun.of(Map.of(), "status", "--no-such-flag").exitCode()).isEqualTo(2);
    }
}

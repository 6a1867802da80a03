package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.pg.tls.CertificateIssuer;
import io.pgwarden.pg.tls.CertsCommand;
import io.pgwarden.pg.tls.CertsRequest;
import io.pgwarden.testing.SteppingClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad TLS input of up/run is reported, all at once, before anything is created or started (exit 2). */
class TlsOptionsTest {
    @TempDir
    Path dir;

    private Path issue(String name, io.pgwarden.core.Clock clock) {
        Path d = dir.resolve(name);
        new CertsCommand(new CertificateIssuer(), clock).execute(new CertsRequest(d, null, null, 30, List.of()));
        return d;
    }

    @Test
    void expiredMismatchedAndNonPemFilesAreListedTogether() throws Exception {
        Path expired = issue("expired", new SteppingClock()); // valid in January 2026 only
        Path other = issue("other", io.pgwarden.core.Clock.SYSTEM);
        Path junk = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        Path data = dir.resolve("data");
        CliRun r = CliRun.of(Map.of("PGWARDEN_TLS_KEY", other.resolve("server.key").toString()), "up", "--data-dir",
                data.toString(), "--tls-cert", expired.resolve("server.crt").toString(), "--tls-ca", junk.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--tls-cert=" + expired.resolve("server.crt") + ": the certificate expired on 2026-01-31T00:00:00Z")
                .contains("PGWARDEN_TLS_KEY=" + other.resolve("server.key") + ": the key does not match the certificate "
                        + expired.resolve("server.crt"))
                .contains("--tls-ca=" + junk + ": no PEM certificate in it (expected a -----BEGIN CERTIFICATE----- block)");
        assertThat(data).doesNotExist();
        String key = Files.readString(other.resolve("server.key")).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertThat(r.out() + r.err()).doesNotContain(key.substring(0, 16));
    }

    @Test
    void missingFilesIncompletePairsAndRequireTlsWithoutFiles() {
        Path empty = dir.resolve("empty");
        CliRun missing = CliRun.of(Map.of(), "up", "--data-dir", dir.resolve("d1").toString(), "--tls-dir", dir.toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--tls-dir=" + dir.resolve("server.crt") + ": the file does not exist")
                .contains("--tls-dir=" + dir.resolve("server.key") + ": the file does not exist");
        CliRun noDir = CliRun.of(Map.of(), "run", "--data-dir", dir.resolve("d2").toString(), "--tls-dir", empty.toString());
        assertThat(noDir.err()).contains("--tls-dir=" + empty + ": not a directory; create it with 'pgwarden certs --out "
                + empty + "'");
        CliRun half = CliRun.of(Map.of(), "up", "--data-dir", dir.resolve("d3").toString(), "--tls-cert", "x.crt");
        assertThat(half.err()).contains("--tls-cert=x.crt: --tls-key (or PGWARDEN_TLS_KEY) is needed with the certificate");
        CliRun both = CliRun.of(Map.of(), "up", "--data-dir", dir.resolve("d4").toString(), "--tls-dir", dir.toString(),
                "--tls-key", "x.key");
        assertThat(both.err()).contains("--tls-dir and --tls-key: give either the directory or the files, not both");
        CliRun require = CliRun.of(Map.of("PGWARDEN_REQUIRE_TLS", "true"), "up", "--data-dir", dir.resolve("d5").toString());
        assertThat(require.exitCode()).isEqualTo(2);
        assertThat(require.err()).contains("--require-tls: needs the server's certificate: --tls-dir DIR, or --tls-cert and --tls-key");
        CliRun mode = CliRun.of(Map.of(), "up", "--data-dir", dir.resolve("d6").toString(), "--sslmode", "always");
        assertThat(mode.err()).contains("--sslmode=always: allowed values are disable, allow, prefer, require, verify-ca, verify-full");
        for (String d : List.of("d1", "d2", "d3", "d4", "d5", "d6")) {
            assertThat(dir.resolve(d)).doesNotExist();
        }
    }

    @Test
    void theSidecarsConnectionsTakeTheModeAndTheCa() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "x\n");
        SidecarCommand cmd = new SidecarCommand();
        new picocli.CommandLine(cmd).parseArgs("--database-url", "postgresql://app@db:5432/app", "--sslmode", "verify-full",
                "--tls-ca", ca.toString());
        var target = cmd.settings(io.pgwarden.config.ConfigSources.load(null, Map.of())).target();
        assertThat(target.sslmode()).isEqualTo("verify-full");
        assertThat(target.sslrootcert()).isEqualTo(ca.toString());
        assertThat(target.jdbcProperties()).containsEntry("sslrootcert", ca.toString()).containsEntry("sslmode", "verify-full");
        CliRun bad = CliRun.of(Map.of("PGWARDEN_TLS_CA", dir.resolve("none.crt").toString()), "sidecar", "--sslmode", "strict");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--sslmode=strict: allowed values are disable, allow, prefer, require, verify-ca,"
                + " verify-full").contains("PGWARDEN_TLS_CA=" + dir.resolve("none.crt") + ": no such file; check the path");
    }
}

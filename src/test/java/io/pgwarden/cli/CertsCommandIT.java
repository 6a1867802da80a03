package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.SystemProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pgwarden certs} checked by OpenSSL itself: the chain verifies, the names and purposes are what was asked. */
class CertsCommandIT {
    @TempDir
    Path dir;

    private static ProcessResult openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        return new SystemProcessRunner().run(cmd, null, Map.of(), Duration.ofSeconds(30));
    }

    @Test
    void opensslVerifiesWhatCertsWrote() throws Exception {
        Path out = dir.resolve("tls");
        CliRun r = CliRun.of(Map.of(), "certs", "--out", out.toString(), "--hosts", "db.example.com,127.0.0.1",
                "--client", "app");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("created ca: " + out.resolve("ca.crt") + " (there was none; valid until ")
                .contains("created server: " + out.resolve("server.crt"))
                .contains("created client app: " + out.resolve("client-app.crt"));
        ProcessResult server = openssl("verify", "-CAfile", out.resolve("ca.crt").toString(), "-purpose", "sslserver",
                out.resolve("server.crt").toString());
        assertThat((server.stdout() + server.stderr())).contains(out.resolve("server.crt") + ": OK");
        ProcessResult client = openssl("verify", "-CAfile", out.resolve("ca.crt").toString(), "-purpose", "sslclient",
                out.resolve("client-app.crt").toString());
        assertThat((client.stdout() + client.stderr())).contains(out.resolve("client-app.crt") + ": OK");
        assertThat(openssl("verify", "-CAfile", out.resolve("ca.crt").toString(), "-verify_hostname", "db.example.com",
                out.resolve("server.crt").toString()).stdout()).contains(": OK");
        assertThat(openssl("verify", "-CAfile", out.resolve("ca.crt").toString(), "-verify_ip", "127.0.0.1",
                out.resolve("server.crt").toString()).stdout()).contains(": OK");
        ProcessResult other = openssl("verify", "-CAfile", out.resolve("ca.crt").toString(), "-verify_hostname",
                "other.example.com", out.resolve("server.crt").toString());
        assertThat(other.exitCode()).isNotZero();
        assertThat(other.stdout() + other.stderr()).contains("hostname mismatch");
        // OpenSSL reads the key and finds it the certificate's
        ProcessResult keyPub = openssl("pkey", "-in", out.resolve("server.key").toString(), "-pubout");
        ProcessResult certPub = openssl("x509", "-in", out.resolve("server.crt").toString(), "-noout", "-pubkey");
        assertThat(keyPub.stdout()).isEqualTo(certPub.stdout()).contains("BEGIN PUBLIC KEY");

        CliRun again = CliRun.of(Map.of(), "certs", "--out", out.toString(), "--client", "app");
        assertThat(again.out()).contains("kept ca: ").contains("kept server: ").contains("kept client app: ")
                .doesNotContain("created").doesNotContain("renewed");
        for (String key : List.of("ca.key", "server.key", "client-app.key")) {
            String body = Files.readString(out.resolve(key)).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
            assertThat(r.out() + r.err() + again.out() + again.err()).doesNotContain(body.substring(0, 16));
        }
    }

    @Test
    void badFlagsAreListedTogether() {
        CliRun r = CliRun.of(Map.of(), "certs", "--out", dir.toString(), "--hosts", "db_1!,10.0.0.5", "--days", "0",
                "--client", "a/b");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--hosts=db_1!,10.0.0.5: 'db_1!' is neither a host name")
                .contains("--days=0: expected a whole number of days from 1 to 3650")
                .contains("--client=a/b: expected a user name");
        assertThat(dir.resolve("ca.crt")).doesNotExist();
    }
}

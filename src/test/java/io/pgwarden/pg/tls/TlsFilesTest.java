package io.pgwarden.pg.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.testing.SteppingClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFilesTest {
    @TempDir
    Path dir;

    private final SteppingClock clock = new SteppingClock();

    private Path issue(String name) {
        Path d = dir.resolve(name);
        new CertsCommand(new CertificateIssuer(), clock).execute(new CertsRequest(d, null, null, 30, List.of()));
        return d;
    }

    @Test
    void goodFilesHaveNoProblems() {
        Path d = issue("good");
        assertThat(TlsFiles.inDirectory(d, "--tls-dir").problems(clock.now())).isEmpty();
    }

    @Test
    void everyProblemIsListedNamingTheSettingAndTheFile() throws Exception {
        Path a = issue("a");
        Path b = issue("b");
        Path missing = dir.resolve("nope.crt");
        assertThat(new TlsFiles(missing, a.resolve("server.key"), null, "--tls-cert", "--tls-key", null)
                .problems(clock.now())).containsExactly("--tls-cert=" + missing + ": the file does not exist");
        // a key of another pair, a CA that did not sign it
        assertThat(new TlsFiles(a.resolve("server.crt"), b.resolve("server.key"), b.resolve("ca.crt"), "--tls-cert",
                "PGWARDEN_TLS_KEY", "--tls-ca").problems(clock.now())).containsExactly(
                "PGWARDEN_TLS_KEY=" + b.resolve("server.key") + ": the key does not match the certificate "
                        + a.resolve("server.crt") + " (a key of another certificate?); give the key the certificate was"
                        + " issued for",
                "--tls-ca=" + b.resolve("ca.crt") + ": the certificate " + a.resolve("server.crt") + " is not signed by"
                        + " this CA, so clients verifying with it would refuse the server; give the CA that issued it");
        // not PEM at all, and a certificate given as the key
        Path junk = Files.writeString(dir.resolve("junk.pem"), "hello\n");
        assertThat(new TlsFiles(junk, a.resolve("server.crt"), null, "--tls-cert", "--tls-key", null)
                .problems(clock.now())).containsExactly(
                "--tls-cert=" + junk + ": no PEM certificate in it (expected a -----BEGIN CERTIFICATE----- block)",
                "--tls-key=" + a.resolve("server.crt") + ": no PEM private key in it (expected a -----BEGIN PRIVATE KEY-----"
                        + " block)");
    }

    @Test
    void expiredAndNotYetValidCertificatesAreNamed() {
        Path a = issue("a");
        TlsFiles files = TlsFiles.inDirectory(a, "--tls-dir");
        clock.advance(Duration.ofDays(31));
        assertThat(files.problems(clock.now())).singleElement().asString()
                .startsWith("--tls-dir=" + a.resolve("server.crt") + ": the certificate expired on ")
                .endsWith("(subject CN=localhost); renew it, e.g. with 'pgwarden certs --out DIR'");
        assertThat(files.problems(clock.now().minus(Duration.ofDays(40)))).singleElement().asString()
                .contains(": the certificate is not valid before ").endsWith("; check this machine's clock");
    }

    @Test
    void anUnreadableKeyIsNamed() throws Exception {
        Path a = issue("a");
        Path key = a.resolve("server.key");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(key), "root reads any file");
        assertThat(TlsFiles.inDirectory(a, "--tls-dir").problems(clock.now()))
                .containsExactly("--tls-dir=" + key + ": cannot be read (AccessDeniedException)");
    }

    @Test
    void noMessageQuotesTheKey() throws Exception {
        Path a = issue("a");
        Path b = issue("b");
        String key = Files.readString(b.resolve("server.key"));
        String body = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        List<String> problems = new TlsFiles(a.resolve("server.crt"), b.resolve("server.key"), null, null, null, null)
                .problems(clock.now());
        assertThat(problems).isNotEmpty();
        assertThat(String.join("\n", problems)).doesNotContain(body.substring(0, 20));
    }
}

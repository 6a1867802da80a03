package io.pgwarden.pg.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.tls.CertsResult.Action;
import io.pgwarden.testing.SteppingClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertsCommandTest {
    @TempDir
    Path dir;

    private final SteppingClock clock = new SteppingClock();
    private final CertsCommand command = new CertsCommand(new CertificateIssuer(), clock);

    private CertsResult run(List<String> hosts, int days, String... clients) {
        return command.execute(new CertsRequest(dir, null, hosts, days, List.of(clients)));
    }

    @Test
    void createsCaServerAndClientsWithPrivateKeys() throws Exception {
        CertsResult r = run(List.of("db.example.com", "127.0.0.1", "::1"), 365, "app");
        assertThat(r.entries()).extracting(CertsResult.Entry::name).containsExactly("ca", "server", "client app");
        assertThat(r.entries()).extracting(CertsResult.Entry::action).containsOnly(Action.CREATED);
        for (String key : List.of("ca.key", "server.key", "client-app.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key)))).isEqualTo("rw-------");
        }
        X509Certificate server = Pem.readCertificates(dir.resolve("server.crt")).get(0);
        assertThat(CertsCommand.names(server)).containsExactly("db.example.com", "127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=db.example.com");
        X509Certificate ca = Pem.readCertificates(dir.resolve("ca.crt")).get(0);
        assertThat(TlsFiles.signedBy(server, ca)).isTrue();
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        X509Certificate client = Pem.readCertificates(dir.resolve("client-app.crt")).get(0);
        assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=app");
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(Files.readString(dir.resolve("server.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(TlsFiles.inDirectory(dir, "--tls-dir").problems(clock.now())).isEmpty();
    }

    @Test
    void aSecondRunKeepsEverythingByteForByte() throws Exception {
        run(null, 365, "app");
        byte[] cert = Files.readAllBytes(dir.resolve("server.crt"));
        byte[] key = Files.readAllBytes(dir.resolve("server.key"));
        clock.advance(Duration.ofDays(300));
        CertsResult again = run(null, 365, "app");
        assertThat(again.entries()).extracting(CertsResult.Entry::action).containsOnly(Action.KEPT);
        assertThat(again.changed()).isFalse();
        assertThat(Files.readAllBytes(dir.resolve("server.crt"))).isEqualTo(cert);
        assertThat(Files.readAllBytes(dir.resolve("server.key"))).isEqualTo(key);
        // the default names stay those of the existing certificate
        assertThat(CertsCommand.names(Pem.readCertificates(dir.resolve("server.crt")).get(0)))
                .containsExactly("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
    }

    @Test
    void renewsWithinThirtyDaysOfExpiryAndKeepsTheCa() throws Exception {
        run(null, 365, "app");
        byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));
        clock.advance(Duration.ofDays(340)); // 25 days (plus the hour of backdating) left
        CertsResult r = run(null, 365, "app");
        assertThat(r.entries().get(0).action()).isEqualTo(Action.KEPT);
        assertThat(r.entries().get(1).action()).isEqualTo(Action.RENEWED);
        assertThat(r.entries().get(1).reason()).isEqualTo("it expires within 30 days");
        assertThat(r.entries().get(2).action()).isEqualTo(Action.RENEWED);
        assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(ca);
        assertThat(r.entries().get(1).notAfter()).isEqualTo(clock.now().plus(Duration.ofDays(365)));
    }

    @Test
    void shortCertificatesRenewInTheirLastThird() {
        assertThat(CertsCommand.renewWithin(Duration.ofDays(9))).isEqualTo(Duration.ofDays(3));
        assertThat(CertsCommand.renewWithin(Duration.ofDays(365))).isEqualTo(Duration.ofDays(30));
        run(null, 9);
        clock.advance(Duration.ofDays(5));
        assertThat(run(null, 9).entries().get(1).action()).isEqualTo(Action.KEPT);
        clock.advance(Duration.ofDays(1));
        assertThat(run(null, 9).entries().get(1).reason()).isEqualTo("it expires within 3 days");
    }

    @Test
    void otherHostsOrAForeignKeyReissueTheServerCertificate() throws Exception {
        run(List.of("localhost"), 365);
        CertsResult r = run(List.of("localhost", "10.0.0.5"), 365);
        assertThat(r.entries().get(1).action()).isEqualTo(Action.RENEWED);
        assertThat(r.entries().get(1).reason()).isEqualTo("its names [localhost] differ from --hosts [localhost, 10.0.0.5]");
        Files.writeString(dir.resolve("server.key"), Pem.encode(new CertificateIssuer().newKeyPair().getPrivate()));
        assertThat(run(null, 365).entries().get(1).reason()).isEqualTo("its key does not match it");
    }

    @Test
    void aCaWithoutItsKeyIsRefusedAndNothingIsWritten() throws Exception {
        Path ca = Files.createDirectories(dir.resolve("ca"));
        command.execute(new CertsRequest(dir.resolve("a"), ca, null, 365, List.of()));
        Files.delete(ca.resolve("ca.key"));
        Path out = dir.resolve("b");
        assertThatThrownBy(() -> command.execute(new CertsRequest(out, ca, null, 365, List.of())))
                .isInstanceOfSatisfying(PgWardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("--ca-dir=" + ca + ": ca.key is missing next to ca.crt, so no certificate can be signed. Give the"
                        + " directory that holds both, or an empty one to create a new CA (clients must then trust the new"
                        + " ca.crt).");
        assertThat(out.resolve("server.crt")).doesNotExist();
    }

    @Test
    void aRenewedCaReissuesEveryCertificate() {
        run(null, 365, "app");
        clock.advance(Duration.ofDays(CertsRequest.CA_DAYS - 20));
        CertsResult r = run(null, 365, "app");
        assertThat(r.entries()).extracting(CertsResult.Entry::action).containsOnly(Action.RENEWED);
        assertThat(r.entries().get(0).reason()).startsWith("it expires within 30 days; every certificate is reissued");
        assertThat(r.entries().get(1).reason()).isEqualTo("it is not signed by the current CA");
    }
}

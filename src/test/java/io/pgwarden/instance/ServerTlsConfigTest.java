package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.pg.tls.TlsFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What TLS adds to pgwarden.conf, pg_hba.conf and a replica's primary_conninfo. */
class ServerTlsConfigTest {
    private static final TlsFiles FILES = new TlsFiles(Path.of("/t/server.crt"), Path.of("/t/server.key"), Path.of("/t/ca.crt"),
            "--tls-dir", "--tls-dir", "--tls-dir");
    private static final InstanceConfig BASE = InstanceConfig.local(Path.of("/d"), 5432).withAllowedNetworks(List.of("10.0.0.0/8"));

    @Test
    void sslSettingsPointAtTheCopiesInTheDataDirectory() {
        Map<String, String> s = ServerConfigWriter.settings(BASE.withTls(new ServerTls(FILES, false)));
        assertThat(s).containsEntry("ssl", "on").containsEntry("ssl_cert_file", "pgwarden.server.crt")
                .containsEntry("ssl_key_file", "pgwarden.server.key").containsEntry("ssl_ca_file", "pgwarden.ca.crt")
                .containsEntry("ssl_min_protocol_version", "TLSv1.2");
        assertThat(ServerConfigWriter.settings(BASE)).doesNotContainKey("ssl");
    }

    @Test
    void requireTlsAdmitsOnlyHostsslFromTheNetworkAndCertUsersComeFirst() {
        String plain = ServerConfigWriter.hba(BASE.withTls(new ServerTls(FILES, false)));
        assertThat(plain).contains("host    all          all   10.0.0.0/8       scram-sha-256").doesNotContain("hostnossl");
        String hba = ServerConfigWriter.hba(BASE.withTls(new ServerTls(FILES, true, List.of("pgbouncer_auth"))));
        assertThat(hba).contains("hostssl all          all   10.0.0.0/8       scram-sha-256")
                .contains("hostssl replication  all   10.0.0.0/8       scram-sha-256")
                .contains("hostnossl all        all   0.0.0.0/0        reject")
                .contains("hostnossl all        all   ::/0             reject")
                .doesNotContain("host    all          all   10.0.0.0/8");
        assertThat(hba.indexOf("hostssl all          pgbouncer_auth 127.0.0.1/32     cert"))
                .isPositive().isLessThan(hba.indexOf("host    all          all   127.0.0.1/32"));
        assertThat(hba).contains("hostssl all          pgbouncer_auth 10.0.0.0/8       cert");
    }

    @Test
    void aReplicaVerifiesItsUpstreamWithTheCaOrRequiresTls() {
        Upstream up = new Upstream("db1", 5432, "replicator", "node_2", "node-2");
        assertThat(StandbyConfig.settings(up, Path.of("/d"), new ServerTls(FILES, false)).get("primary_conninfo"))
                .contains("sslmode=verify-full sslrootcert='/d/pgwarden.ca.crt'")
                .contains("sslcert='/d/pgwarden.replication.crt' sslkey='/d/pgwarden.replication.key'");
        TlsFiles noCa = new TlsFiles(Path.of("/t/server.crt"), Path.of("/t/server.key"), null, null, null, null);
        assertThat(StandbyConfig.settings(up, Path.of("/d"), new ServerTls(noCa, false)).get("primary_conninfo"))
                .contains("sslmode=require");
        assertThat(StandbyConfig.settings(up, Path.of("/d")).get("primary_conninfo")).endsWith("sslmode=prefer");
    }
}

package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.instance.CloneMethod;
import io.pgwarden.topology.NodeAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the replication flags resolve from flags and environment, and how bad values are reported. */
class ReplicationFlagsTest {
    private static final NodeAddress PRIMARY = new NodeAddress("db-0.db", 5432);

    @Test
    void defaultsComeFromTheHostNameAndTheLibpqEnvironment() {
        ReplicationFlags flags = new ReplicationFlags();
        Problems problems = new Problems();
        ReplicationFlags.Resolved r = flags.resolve(ConfigSources.ofEnv(Map.of("HOSTNAME", "db-1", "PGPASSWORD", "pw")),
                problems, PRIMARY, Path.of("/srv/data"), null);
        assertThat(problems.messages()).isEmpty();
        assertThat(r.upstream().slot()).isEqualTo("db_1");
        assertThat(r.upstream().applicationName()).isEqualTo("db-1");
        assertThat(r.upstream().role()).isEqualTo("replicator");
        assertThat(r.method()).isEqualTo(CloneMethod.AUTO);
        assertThat(r.primarySuperuser().display()).isEqualTo("postgresql://postgres@db-0.db:5432/postgres");
        assertThat(r.primarySuperuser().password()).isEqualTo("pw");

        ReplicationFlags.Resolved noHost = new ReplicationFlags().resolve(ConfigSources.ofEnv(Map.of()), new Problems(),
                PRIMARY, Path.of("/srv/replica-2"), null);
        assertThat(noHost.upstream().slot()).isEqualTo("replica_2");
    }

    @Test
    void everyBadValueIsReportedWithItsOrigin() {
        ReplicationFlags flags = new ReplicationFlags();
        flags.slot = "Bad-Slot";
        Problems problems = new Problems();
        ReplicationFlags.Resolved r = flags.resolve(ConfigSources.ofEnv(Map.of("PGWARDEN_CLONE_METHOD", "rsync")),
                problems, PRIMARY, Path.of("/srv/data"), null);
        assertThat(r).isNull();
        assertThat(problems.messages()).containsExactly(
                "--slot=Bad-Slot: a replication slot name may contain only lower-case letters, digits and underscores,"
                        + " 1 to 63 characters (e.g. node_2)",
                "PGWARDEN_CLONE_METHOD=rsync: expected auto, base-backup or local-copy");
    }

    @Test
    void replicaOfIsParsedAsHostAndPort() {
        assertThat(ReplicationFlags.address("10.0.0.2:5433")).isEqualTo(new NodeAddress("10.0.0.2", 5433));
        assertThat(ReplicationFlags.address("[fd00::1]")).isEqualTo(new NodeAddress("fd00::1", 5432));
        CliRun bad = CliRun.of(Map.of(), "rejoin", "--primary", "db:99999");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--primary=db:99999: 'db:99999' has port 99999: expected a number from 1 to 65535");
    }
}

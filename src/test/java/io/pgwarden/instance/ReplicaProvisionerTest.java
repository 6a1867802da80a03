package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.Clock;
import io.pgwarden.core.PgVersion;
import io.pgwarden.pg.BinarySource;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.SystemProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --replica-of} on directories that already hold data: a replica follows the new upstream, a primary is refused. */
class ReplicaProvisionerTest {
    @TempDir
    Path dir;

    private final ServerFiles files = new ServerFiles(Privileges.detect(null));

    private ReplicaProvisioner provisioner() {
        PgBinaries binaries = new PgBinaries(dir.resolve("bin"), new PgVersion(15), "15.8", BinarySource.SYSTEM, "test");
        return new ReplicaProvisioner(new SystemProcessRunner(), files, binaries, Clock.SYSTEM);
    }

    private static ReplicaProvisioner.Source source(int port) {
        ConnectionSpec superuser = ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", port);
        return new ReplicaProvisioner.Source(new Upstream("127.0.0.1", port, "replicator", "node_b", "node-b"), superuser,
                null, CloneMethod.AUTO);
    }

    @Test
    void anExistingReplicaFollowsTheNewUpstreamWithItsOwnPassword() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        new StandbyConfig(files).write(data, new Upstream("127.0.0.1", 5433, "replicator", "node_b", "node-b"), "kept-pw");

        ReplicaProvisioner.Outcome outcome = provisioner().prepare(InstanceConfig.local(data, 5434), source(5440), line -> { });

        assertThat(outcome.cloned()).isNull();
        assertThat(outcome.config().settings().get("primary_conninfo")).startsWith("host='127.0.0.1' port=5440 ");
        assertThat(Files.readString(data.resolve(StandbyConfig.PASSFILE))).isEqualTo("127.0.0.1:5440:*:replicator:kept-pw\n");
    }

    @Test
    void aFormerPrimarysDirectoryIsRefused() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        assertThatThrownBy(() -> provisioner().prepare(InstanceConfig.local(data, 5434), source(5440), line -> { }))
                .hasMessage("--replica-of=127.0.0.1:5440: " + data + " is an existing primary's data directory (no"
                        + " standby.signal); pgwarden will not overwrite it. Turn it into a replica with 'pgwarden rejoin"
                        + " --primary 127.0.0.1:5440 --data-dir " + data + "', or choose a new or empty --data-dir to clone into.");
        assertThat(data.resolve("standby.signal")).doesNotExist();
    }

    @Test
    void hotStandbySettingsAreRaisedToThePrimarysButNeverLowered() {
        InstanceConfig tuned = InstanceConfig.local(dir, 5434).withSettings(Map.of("max_connections", "100",
                "max_wal_senders", "20", "shared_buffers", "256MB"));
        InstanceConfig raised = HotStandbySettings.raise(tuned, Map.of("max_connections", 300L, "max_wal_senders", 10L,
                "max_worker_processes", 8L));
        assertThat(raised.settings()).containsEntry("max_connections", "300").containsEntry("max_wal_senders", "20")
                .containsEntry("max_worker_processes", "8").containsEntry("shared_buffers", "256MB");
    }
}

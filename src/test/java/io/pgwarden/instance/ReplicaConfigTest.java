package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.Privileges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slot names, password files and the standby configuration, on real files. */
class ReplicaConfigTest {
    @TempDir
    Path dir;

    private final ServerFiles files = new ServerFiles(Privileges.detect(null));

    @Test
    void slotNamesAreDerivedFromNodeNamesAndValidated() {
        assertThat(Upstream.slotFor("Node-2.example")).isEqualTo("node_2_example");
        assertThat(Upstream.slotFor("db-1")).isEqualTo("db_1");
        assertThat(Upstream.slotFor("n".repeat(70))).hasSize(63);
        assertThatThrownBy(() -> new Upstream("10.0.0.1", 5432, "replicator", "Bad-Slot", "x"))
                .isInstanceOf(PgWardenException.class)
                .hasMessage("--slot=Bad-Slot: a replication slot name may contain only lower-case letters, digits and"
                        + " underscores, 1 to 63 characters (e.g. node_2).")
                .extracting(e -> ((PgWardenException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(new Upstream("fd00::1", 5433, "replicator", "n", "n").address()).isEqualTo("[fd00::1]:5433");
    }

    @Test
    void passFilesEscapeColonsAndBackslashesAndAreOwnerOnly() throws Exception {
        Path file = dir.resolve("pgpass");
        PgPassFile.write(files, file, "10.0.0.1", 5432, "rep:l", "pa:ss\\word");
        assertThat(Files.readString(file)).isEqualTo("10.0.0.1:5432:*:rep\\:l:pa\\:ss\\\\word\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PgPassFile.passwordFor(file, "rep:l")).contains("pa:ss\\word");
        assertThat(PgPassFile.passwordFor(file, "other")).isEmpty();
        assertThat(PgPassFile.passwordFor(dir.resolve("missing"), "rep:l")).isEmpty();
    }

    @Test
    void standbyConfigPointsAtThePassFileAndKeepsTheNodesOwnSettings() throws Exception {
        Files.writeString(dir.resolve("pgwarden.conf"), "# Managed by pgwarden\nport = '5433'\nprimary_slot_name = 'old'\n");
        Upstream up = new Upstream("db-0.db", 5432, "replicator", "db_1", "db-1");
        new StandbyConfig(files).write(dir, up, "s3cret");

        assertThat(dir.resolve("standby.signal")).exists();
        assertThat(Files.readString(dir.resolve("pgwarden.replication.pgpass"))).isEqualTo("db-0.db:5432:*:replicator:s3cret\n");
        assertThat(Files.readString(dir.resolve("pgwarden.conf"))).isEqualTo("# Managed by pgwarden\nport = '5433'\n"
                + "primary_conninfo = 'host=''db-0.db'' port=5432 user=''replicator'' passfile=''" + dir
                + "/pgwarden.replication.pgpass'' application_name=''db-1'' sslmode=prefer'\n"
                + "primary_slot_name = 'db_1'\nhot_standby = 'on'\nrecovery_target_timeline = 'latest'\n");

        InstanceConfig config = StandbyConfig.apply(InstanceConfig.local(dir, 5433).withSettings(Map.of("shared_buffers", "1GB")), up);
        assertThat(config.settings().keySet()).containsExactly("primary_conninfo", "primary_slot_name", "hot_standby",
                "recovery_target_timeline", "shared_buffers");
        assertThat(StandbyConfig.quote("it's a \\path")).isEqualTo("'it\\'s a \\\\path'");
    }

    @Test
    void replicationPasswordComesFromTheFileThenAFormerReplicaThenIsGenerated() throws Exception {
        Path file = dir.resolve("secrets/replication.password");
        String generated = ReplicationPassword.resolve(files, file, null, "replicator");
        assertThat(generated).hasSize(43);
        assertThat(Files.readString(file)).isEqualTo(generated + "\n");
        assertThat(ReplicationPassword.resolve(files, file, null, "replicator")).isEqualTo(generated);

        Path oldDir = Files.createDirectories(dir.resolve("old"));
        PgPassFile.write(files, oldDir.resolve(StandbyConfig.PASSFILE), "h", 1, "replicator", "from-old-replica");
        assertThat(ReplicationPassword.resolve(files, null, oldDir, "replicator")).isEqualTo("from-old-replica");
        assertThat(ReplicationPassword.resolve(files, null, null, "replicator")).isNotEqualTo(generated).hasSize(43);
    }
}

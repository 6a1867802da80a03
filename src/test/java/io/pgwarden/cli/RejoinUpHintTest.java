package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.RestartPolicy;
import io.pgwarden.instance.ServerConfigWriter;
import io.pgwarden.instance.ServerFiles;
import io.pgwarden.instance.Upstream;
import io.pgwarden.pg.Privileges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 'pgwarden up' command printed by 'rejoin --no-start' carries what up would otherwise reset. */
class RejoinUpHintTest {
    @TempDir
    Path dir;

    private final Upstream upstream = new Upstream("10.0.0.2", 5434, "replicator", "node_a", "node-a");

    @Test
    void portListenAllowAndBinariesComeFromTheNodesOwnFiles() {
        Path data = dir.resolve("my data");
        InstanceConfig config = new InstanceConfig(data, null, null, List.of("*"), 56151, List.of("10.0.0.0/8", "fd00::/8"),
                Map.of("shared_buffers", "128MB"), null, null, null, RestartPolicy.DEFAULT);
        writeConfig(config);

        String hint = new RejoinUpHint(data, 5555, Path.of("/usr/lib/postgresql/15/bin"), 15, upstream, null, "postgres",
                data.resolve("pgwarden.password")).render();

        assertThat(hint).isEqualTo("pgwarden up --data-dir '" + data + "' --port 56151 --listen '*' --allow"
                + " 10.0.0.0/8,fd00::/8 --pg-bin /usr/lib/postgresql/15/bin --replica-of 10.0.0.2:5434 --node-name node-a"
                + " --primary-password-file '" + data.resolve("pgwarden.password") + "'");
    }

    @Test
    void withoutPgwardenConfThePortOfTheStoppedServerAndTheMajorAreUsed() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Upstream custom = new Upstream("10.0.0.2", 5434, "repl", "slot_1", "node-a");
        String hint = new RejoinUpHint(data, 5555, null, 17, custom, dir.resolve("repl.pw"), "admin", null).render();
        assertThat(hint).isEqualTo("pgwarden up --data-dir " + data + " --port 5555 --pg-version 17 --replica-of"
                + " 10.0.0.2:5434 --node-name node-a --slot slot_1 --replication-user repl --replication-password-file "
                + dir.resolve("repl.pw") + " --primary-user admin");
    }

    @Test
    void shellQuotingKeepsEachArgumentWhole() {
        assertThat(RejoinUpHint.quote("/srv/pg")).isEqualTo("/srv/pg");
        assertThat(RejoinUpHint.quote("it's here")).isEqualTo("'it'\\''s here'");
    }

    private static void writeConfig(InstanceConfig config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        new ServerConfigWriter(new ServerFiles(Privileges.detect(null))).write(config, true);
    }
}

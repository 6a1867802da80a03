package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A first init that fails after initdb succeeded keeps nothing: no data directory a later run could reuse without its password. */
class InitDbCleanupIT {
    @Test
    void aPasswordFileThatCannotBeWrittenRemovesTheFreshDataDirectory() throws Exception {
        try (InstanceFixture fx = new InstanceFixture(15)) {
            Path afile = Files.writeString(fx.base.resolve("afile"), "a regular file");
            Path data = fx.base.resolve("new/data");
            InstanceConfig config = InstanceConfig.local(data, TestPostgres.freePort());
            config = new InstanceConfig(data, afile.resolve("x"), null, config.listenAddresses(), config.port(), config.allowedNetworks(),
                    config.settings(), config.serverLog(), null, null, null);
            InitDb init = new InitDb(new SystemProcessRunner(), new ServerFiles(Privileges.detect(null)), fx.binaries);
            InstanceConfig bad = config;
            // Preflight refuses this layout up front; InitDb is called directly to prove its own clean-up
            assertThatThrownBy(() -> init.execute(bad)).isInstanceOf(PgWardenException.class)
                    .hasMessageStartingWith("Cannot initialise " + data + ": ")
                    .hasMessageEndingWith(". Nothing was kept; check permissions and free space.")
                    .extracting(e -> ((PgWardenException) e).code()).isEqualTo(ErrorCode.ENVIRONMENT);
            assertThat(data).doesNotExist();
            assertThat(fx.base.resolve("new")).doesNotExist();
            assertThat(Files.readString(afile)).isEqualTo("a regular file");
        }
    }
}

package io.pgwarden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ByteSize;
import io.pgwarden.core.PgWardenException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {
    @TempDir
    Path dir;

    @Test
    void flagBeatsEnvBeatsFileBeatsDefault() throws Exception {
        Path file = dir.resolve("pgwarden.yaml");
        Files.writeString(file, "memory: 3GB\nworkload: dw\n");
        ConfigSources sources = ConfigSources.load(file, Map.of("POSTGRES_MEMORY", "2048", "POSTGRES_WORKLOAD_TYPE", "oltp"));
        assertThat(sources.find("--memory", "1GB", "POSTGRES_MEMORY")).get().isEqualTo(new Setting("1GB", "--memory"));
        assertThat(sources.find("--memory", null, "POSTGRES_MEMORY")).get().isEqualTo(new Setting("2048", "POSTGRES_MEMORY"));
        assertThat(sources.find("--workload", null)).get().isEqualTo(new Setting("dw", file + ": workload"));
        assertThat(sources.find("--storage", null, "POSTGRES_STORAGE_TYPE")).isEmpty();
    }

    @Test
    void everyProblemIsReportedWithItsOriginAndValue() {
        ConfigSources sources = ConfigSources.ofEnv(Map.of("POSTGRES_MEMORY", "abc", "HEALTH_PORT", "x"));
        Problems problems = new Problems();
        ByteSize mem = sources.resolve(problems, null, v -> ByteSize.parse(v, ByteSize.MB), "--memory", null, "POSTGRES_MEMORY");
        Integer port = sources.resolve(problems, 8008, v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a port number from 1 to 65535");
            }
        }, "--health-port", null, "HEALTH_PORT");
        assertThat(mem).isNull();
        assertThat(port).isEqualTo(8008);
        assertThatThrownBy(problems::throwIfAny).isInstanceOf(PgWardenException.class)
                .hasMessageContaining("POSTGRES_MEMORY=abc: expected a size")
                .hasMessageContaining("HEALTH_PORT=x: expected a port number");
    }

    @Test
    void missingOrMalformedConfigFileIsNamed() throws Exception {
        assertThatThrownBy(() -> ConfigSources.load(dir.resolve("nope.yaml"), Map.of()))
                .hasMessageContaining("nope.yaml does not exist");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "- a\n- b\n");
        assertThatThrownBy(() -> ConfigSources.load(bad, Map.of())).hasMessageContaining("must be a YAML mapping");
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "memory: [2GB\n");
        assertThatThrownBy(() -> ConfigSources.load(broken, Map.of()))
                .hasMessageStartingWith("Configuration file " + broken + " is not valid YAML at line ")
                .hasMessageNotContaining("com.fasterxml");
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "memroy: 2GB\nworkload: dw\n");
        assertThat(ConfigSources.load(typo, Map.of()).unknownFileKeys(java.util.Set.of("memory", "workload")))
                .containsExactly("memroy");
    }
}

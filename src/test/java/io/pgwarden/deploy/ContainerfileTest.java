package io.pgwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgwarden.health.HealthServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The container contract of deploy/image/Containerfile (ImageIT checks the built image behaves so): non-root, SIGTERM,
 * ports, the health check, the entrypoint, the data volume, and that everything it copies is put in the build context
 * by deploy/image/build.
 */
class ContainerfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DockerInstructions runtime = DockerInstructions.parse(read(Path.of("deploy/image/Containerfile")));
    private final DockerInstructions test = DockerInstructions.parse(read(Path.of("deploy/image/Containerfile.test")));

    @Test
    void runtimeIsBuiltOnTheImportedRootfsWithoutARegistry() {
        assertThat(runtime.stageNames()).containsExactly("runtime");
        assertThat(runtime.stage("runtime").from()).isEqualTo("${BASE}");
        assertThat(runtime.stage("runtime").all("RUN")).as("no package manager runs in the runtime build").isEmpty();
        assertThat(test.stage("test").from()).isEqualTo("${RUNTIME}");
        assertThat(read(Path.of("deploy/image/build"))).contains("mmdebstrap --variant=minbase",
                "import --change", "build --format docker", "save --format docker-archive");
    }

    @Test
    void runtimeRunsAsPostgresStopsOnSigtermAndChecksItsHealth() throws IOException {
        DockerInstructions.Stage s = runtime.stage("runtime");
        assertThat(s.only("USER")).isEqualTo("postgres");
        assertThat(s.only("STOPSIGNAL")).isEqualTo("SIGTERM");
        assertThat(s.only("EXPOSE").split("\\s+")).containsExactly("5432", Integer.toString(HealthServer.DEFAULT_PORT));
        String healthcheck = s.only("HEALTHCHECK");
        int cmd = healthcheck.indexOf(" CMD ");
        assertThat(cmd).as("HEALTHCHECK has a CMD: %s", healthcheck).isPositive();
        assertThat(JSON.readValue(healthcheck.substring(cmd + 5), String[].class)).containsExactly("pgwarden", "healthcheck");
        assertThat(JSON.readValue(s.only("ENTRYPOINT"), String[].class)).containsExactly("pgwarden", "run");
        assertThat(s.all("CMD")).isEmpty();
        assertThat(s.only("VOLUME")).isEqualTo("/var/lib/postgresql/data");
        assertThat(s.only("ENV")).contains("PGDATA=/var/lib/postgresql/data", "HEALTH_PORT=" + HealthServer.DEFAULT_PORT);
        assertThat(test.stage("test").last("USER")).as("the test image runs as postgres too").hasValue("postgres");
    }

    @Test
    void everythingCopiedIsPutInTheContextByTheBuild() {
        String build = read(Path.of("deploy/image/build"));
        assertThat(build).contains("cp -a \"$jre\" \"$ctx/jre\"", "cp -a target/lib \"$ctx/lib\"",
                "cp target/pgwarden.jar deploy/jvm.options deploy/image/pgwarden deploy/image/Containerfile");
        List<String> sources = runtime.stage("runtime").all("COPY").stream()
                .flatMap(c -> {
                    String[] parts = c.arguments().split("\\s+");
                    return java.util.Arrays.stream(parts, 0, parts.length - 1);
                }).toList();
        assertThat(sources).containsExactlyInAnyOrder("jre", "lib", "pgwarden.jar", "jvm.options", "pgwarden");
        assertThat(Path.of("deploy/image/pgwarden")).isExecutable();
        assertThat(Path.of("deploy/image/build")).isExecutable();
    }

    @Test
    void bothLaunchersReadTheOneJvmOptionsFile() {
        assertThat(read(Path.of("pgwarden"))).contains("jvm_opts=\"@$here/deploy/jvm.options\"");
        assertThat(read(Path.of("deploy/image/pgwarden")).lines().filter(l -> l.startsWith("exec ")))
                .as("the container launcher's exec line (not a comment) reads the options file")
                .singleElement().asString().contains("@/opt/pgwarden/jvm.options");
        assertThat(read(Path.of("deploy/jvm.options")).lines()).contains("-Xmx96m", "-XX:+UseSerialGC");
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + p, e);
        }
    }
}

package io.pgwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgwarden.health.HealthServer;
import io.pgwarden.pg.BinariesResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the Dockerfile's structure is checked instead: stages, the runtime's
 * user, signal, ports, health check and entrypoint, and that everything it copies exists.
 */
class DockerfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DockerInstructions docker = DockerInstructions.parse(read(Path.of("Dockerfile")));

    @Test
    void hasBuildTestAndRuntimeStagesWithRuntimeAsTheDefaultTarget() {
        assertThat(docker.stageNames()).containsExactly("build", "test", "runtime");
        DockerInstructions.Stage build = docker.stage("build");
        assertThat(build.from()).startsWith("eclipse-temurin:17-jdk");
        assertThat(build.all("RUN")).anySatisfy(r -> assertThat(r.arguments()).contains("./mvnw").contains("package"));
    }

    @Test
    void runtimeIsTheOfficialPostgresImageOfTheDefaultMajorWithAJreAndTheJar() {
        DockerInstructions.Stage runtime = docker.stage("runtime");
        assertThat(runtime.from()).isEqualTo("postgres:${PG_MAJOR}-bookworm");
        String major = defaultMajor();
        assertThat(docker.stages.get(0).all("ARG")).extracting(DockerInstructions.Instruction::arguments)
                .contains("PG_MAJOR=" + major);
        List<String> copies = runtime.all("COPY").stream().map(DockerInstructions.Instruction::arguments).toList();
        assertThat(copies).contains("--from=build /src/target/pgwarden.jar /opt/pgwarden/pgwarden.jar",
                "--from=build /src/target/lib/ /opt/pgwarden/lib/");
        assertThat(copies).anySatisfy(c -> assertThat(c).startsWith("--from=eclipse-temurin:17-jre"));
    }

    @Test
    void runtimeRunsAsPostgresStopsOnSigtermAndChecksItsHealth() throws IOException {
        DockerInstructions.Stage runtime = docker.stage("runtime");
        assertThat(runtime.only("USER")).isEqualTo("postgres");
        assertThat(runtime.only("STOPSIGNAL")).isEqualTo("SIGTERM");
        assertThat(runtime.only("EXPOSE").split("\\s+")).containsExactly("5432",
                Integer.toString(HealthServer.DEFAULT_PORT));
        String healthcheck = runtime.only("HEALTHCHECK");
        int cmd = healthcheck.indexOf(" CMD ");
        assertThat(cmd).as("HEALTHCHECK has a CMD: %s", healthcheck).isPositive();
        assertThat(JSON.readValue(healthcheck.substring(cmd + 5), String[].class))
                .containsExactly("pgwarden", "healthcheck");
        assertThat(JSON.readValue(runtime.only("ENTRYPOINT"), String[].class)).containsExactly("pgwarden", "run");
        assertThat(runtime.all("CMD")).isEmpty();
    }

    @Test
    void testStageHasPsqlCurlAndTheTestSources() throws IOException {
        DockerInstructions.Stage test = docker.stage("test");
        String installs = String.join(" ", test.all("RUN").stream().map(DockerInstructions.Instruction::arguments).toList());
        assertThat(installs).contains("postgresql-client-15").contains(" curl ").contains("postgresql-15 ");
        assertThat(test.all("COPY")).extracting(DockerInstructions.Instruction::arguments).contains("--from=build /src /src");
        assertThat(docker.stage("build").all("COPY")).extracting(DockerInstructions.Instruction::arguments)
                .contains("src src");
        assertThat(JSON.readValue(test.only("CMD"), String[].class)).containsExactly("./mvnw", "-B", "verify");
    }

    @Test
    void everythingCopiedFromTheContextExists() {
        for (DockerInstructions.Stage stage : docker.stages) {
            for (DockerInstructions.Instruction copy : stage.all("COPY")) {
                if (copy.arguments().startsWith("--from=")) {
                    continue;
                }
                String[] parts = copy.arguments().split("\\s+");
                for (String source : Arrays.copyOf(parts, parts.length - 1)) {
                    assertThat(Path.of(source)).as("COPY source in stage %s", stage.name()).exists();
                }
            }
        }
    }

    @Test
    void bothLaunchersReadTheOneJvmOptionsFile() {
        assertThat(read(Path.of("pgwarden"))).contains("jvm_opts=\"@$here/deploy/jvm.options\"");
        assertThat(read(Path.of("deploy/docker/pgwarden")).lines().filter(l -> l.startsWith("exec ")))
                .as("the container launcher's exec line (not a comment) reads the options file")
                .singleElement().asString().contains("@/opt/pgwarden/jvm.options");
        assertThat(docker.stage("runtime").all("COPY")).extracting(DockerInstructions.Instruction::arguments)
                .contains("deploy/jvm.options /opt/pgwarden/jvm.options");
        assertThat(read(Path.of("deploy/jvm.options")).lines()).contains("-Xmx96m", "-XX:+UseSerialGC");
    }

    /** The major pgwarden downloads when nothing is installed and none is asked for. */
    private static String defaultMajor() {
        return Integer.toString(BinariesResolver.DEFAULT_MAJOR);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + p, e);
        }
    }
}

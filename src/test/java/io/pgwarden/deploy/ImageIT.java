package io.pgwarden.deploy;

import static io.pgwarden.testing.TestImages.podman;
import static io.pgwarden.testing.TestImages.podmanOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgwarden.pg.ProcessResult;
import io.pgwarden.testing.TestImages;
import io.pgwarden.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images deploy/image/build makes, built once and run with podman: one container (a named volume, a password
 * file, a 1 GB memory limit) goes through start, extensions, health checks, stop and restart, in that order; the
 * other checks look at the images and the build's artefacts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "it-" + UUID.randomUUID();
    /** initdb, the first start and a JVM start on a loaded 2-core machine. */
    private static final Duration READY = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    private TestImages.Built images;
    private final String name = "pgwarden-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final String volume = name + "-data";
    private int port;
    private Path secret;

    @BeforeAll
    void buildOnce() throws IOException {
        images = TestImages.build();
        port = TestPostgres.freePort();
        Path dir = Files.createTempDirectory("pgwarden-image-it-");
        secret = Files.writeString(dir.resolve("postgres-password"), PASSWORD + "\n");
        podmanOk("volume", "create", volume);
    }

    @AfterAll
    void removeContainerAndVolume() {
        podman(Duration.ofMinutes(1), "rm", "-f", "-t", "5", name);
        podman(Duration.ofMinutes(1), "volume", "rm", "-f", volume);
        if (secret != null) {
            try {
                Files.deleteIfExists(secret);
                Files.deleteIfExists(secret.getParent());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private void start(String... extraEnv) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--memory", "1g",
                "-p", "127.0.0.1:" + port + ":5432", "-v", volume + ":/var/lib/postgresql/data",
                "-v", secret + ":/run/secrets/postgres-password:ro",
                // the client is the test, which reaches the container through podman's bridge, not loopback
                "-e", "PGWARDEN_ALLOW=0.0.0.0/0", "-e", "POSTGRES_USER=app", "-e", "POSTGRES_DB=appdb"));
        for (String e : extraEnv) {
            args.addAll(List.of("-e", e));
        }
        args.add(images.runtime());
        podmanOk(args.toArray(String[]::new));
    }

    private void awaitHealthy() {
        Awaitility.await().atMost(READY).pollInterval(Duration.ofSeconds(1)).until(() -> {
            ProcessResult state = podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Running}}", name);
            if (!state.stdout().strip().equals("true")) {
                throw new AssertionError("container " + name + " is not running:\n"
                        + podman(Duration.ofSeconds(30), "logs", name).stderr());
            }
            return podman(Duration.ofSeconds(30), "healthcheck", "run", name).exitCode() == 0;
        });
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "app", PASSWORD);
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String exec(String... command) {
        List<String> args = new ArrayList<>(List.of("exec", name));
        args.addAll(List.of(command));
        return podmanOk(args.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void postgres17StartsAsNonRootWithThePasswordFileAndTunesForTheMemoryLimit() throws Exception {
        start("POSTGRES_PASSWORD_FILE=/run/secrets/postgres-password");
        awaitHealthy();
        try (Connection c = connect("appdb")) {
            assertThat(one(c, "select version()")).startsWith("PostgreSQL 17.");
            assertThat(one(c, "select current_user || '@' || current_database()")).isEqualTo("app@appdb");
            assertThat(one(c, "select rolsuper::text from pg_roles where rolname = current_user")).isEqualTo("true");
            // 1 GB from the container's cgroup (memory.limit_in_bytes on cgroup v1): a quarter for shared buffers
            assertThat(one(c, "show shared_buffers")).isEqualTo("256MB");
            try (Statement s = c.createStatement()) {
                s.execute("create table kept(v text); insert into kept values ('from the first container')");
            }
        }
        assertThat(exec("id", "-un").strip()).isEqualTo("postgres");
        assertThat(exec("id", "-u").strip()).isEqualTo("999");
        String postmaster = exec("sh", "-c", "head -1 \"$PGDATA/postmaster.pid\"").strip();
        assertThat(exec("sh", "-c", "awk '/^Uid:/ {print $2}' /proc/" + postmaster + "/status").strip()).isEqualTo("999");
        String logs = podman(Duration.ofSeconds(30), "logs", name).stderr() + podman(Duration.ofSeconds(30), "logs", name).stdout();
        assertThat(logs).contains("password (from POSTGRES_PASSWORD_FILE=/run/secrets/postgres-password)")
                .doesNotContain(PASSWORD);
    }

    @Test
    @Order(2)
    void everyEnabledExtensionIsCreatedInManifestOrderAndEveryPreloadedLibraryIsLoaded() throws Exception {
        List<String> order = ManifestTool.run("create-order").lines().toList();
        List<String> preload = List.of(ManifestTool.run("preload").strip().split(","));
        // pg_cron lives in cron.database_name (postgres); one database for all keeps the order the only variable
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            assertThat(one(c, "show shared_preload_libraries")).isEqualTo(String.join(",", preload));
            for (String ext : order) {
                s.execute("create extension \"" + ext + "\"");
            }
            Set<String> created = new HashSet<>();
            try (ResultSet rs = s.executeQuery("select extname from pg_extension")) {
                while (rs.next()) {
                    created.add(rs.getString(1));
                }
            }
            assertThat(created).containsAll(order);
            assertThat(one(c, "select count(*) from cron.job")).isEqualTo("0");
            assertThat(one(c, "select '[1,2]'::vector <-> '[1,3]'::vector")).isEqualTo("1");
        }
        String postmaster = exec("sh", "-c", "head -1 \"$PGDATA/postmaster.pid\"").strip();
        String maps = exec("cat", "/proc/" + postmaster + "/maps");
        for (String lib : preload) {
            assertThat(maps).as("the postmaster has %s.so mapped", lib).contains("/usr/lib/postgresql/17/lib/" + lib + ".so");
        }
    }

    @Test
    @Order(3)
    void healthcheckPassesWhenReadyAndFailsWhilePostgresIsStopped() {
        assertThat(podman(Duration.ofSeconds(60), "healthcheck", "run", name).exitCode()).isZero();
        String postmaster = exec("sh", "-c", "head -1 \"$PGDATA/postmaster.pid\"").strip();
        exec("kill", "-STOP", postmaster);
        try {
            ProcessResult stopped = podman(Duration.ofSeconds(60), "healthcheck", "run", name);
            assertThat(stopped.exitCode()).as("healthcheck while the postmaster is stopped: %s", stopped.stdout()).isNotZero();
            // pgwarden healthcheck itself reports critical (its connect timeouts end inside the HEALTHCHECK's 15 s)
            assertThat(stopped.stdout() + stopped.stderr()).contains("unhealthy");
        } finally {
            exec("kill", "-CONT", postmaster);
        }
        awaitHealthy();
    }

    @Test
    @Order(4)
    void podmanStopShutsPostgresDownCleanlyAndExitsZero() {
        podmanOk("stop", "-t", "30", name);
        assertThat(podmanOk("inspect", "--format", "{{.State.ExitCode}}", name).strip()).isEqualTo("0");
        ProcessResult logs = podman(Duration.ofSeconds(30), "logs", name);
        assertThat(logs.stdout() + logs.stderr()).contains("database system is shut down", "PostgreSQL stopped");
        podmanOk("rm", name);
    }

    @Test
    @Order(5)
    void aNewContainerOnTheSameVolumeReusesTheDataAndItsPassword() throws Exception {
        // a different password file now: only the first initialisation uses one
        start("POSTGRES_PASSWORD=ignored-on-an-existing-data-directory");
        awaitHealthy();
        try (Connection c = connect("appdb")) {
            assertThat(one(c, "select v from kept")).isEqualTo("from the first container");
        }
        ProcessResult logs = podman(Duration.ofSeconds(30), "logs", name);
        assertThat(logs.stdout() + logs.stderr()).doesNotContain("initialising").doesNotContain("ignored-on-an-existing");
        podmanOk("stop", "-t", "30", name);
    }

    @Test
    @Order(10)
    void aBadVariableEndsTheContainerNonZeroNamingIt() {
        ProcessResult r = podman(Duration.ofMinutes(2), "run", "--rm", "-e", "POSTGRES_MEMORY=abc", "-e",
                "POSTGRES_SHARED_PRELOAD_LIBRARIES=pg_cron,citus", images.runtime());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("POSTGRES_MEMORY=abc: expected megabytes (e.g. 2048) or a size with a unit (e.g. 1536MB, 2GB)",
                "POSTGRES_SHARED_PRELOAD_LIBRARIES=pg_cron,citus: citus is not in this image");
    }

    @Test
    @Order(11)
    void theRuntimeImageHasNoCompilerNoAptListsAndNoTestTools() {
        String listing = podmanOk("run", "--rm", "--entrypoint", "sh", images.runtime(), "-c",
                "ls /usr/bin /usr/local/bin; echo '--- lists'; find /var/lib/apt/lists -type f ! -name lock;"
                        + " echo '--- archives';"
                        + " ls /var/cache/apt/archives | grep -c deb$ || true; echo '--- packages';"
                        + " dpkg-query -W -f '${Package}\\n'");
        List<String> bin = List.of(listing.substring(0, listing.indexOf("--- lists")).split("\\s+"));
        assertThat(bin).contains("psql", "pg_basebackup", "pg_dump", "pg_restore", "pgwarden")
                .doesNotContain("gcc", "cc", "c++", "g++", "clang", "make", "javac", "curl", "wget", "jq", "strace", "gdb");
        String lists = listing.substring(listing.indexOf("--- lists") + 9, listing.indexOf("--- archives")).strip();
        assertThat(lists).as("apt package lists (apt's lock file may stay)").isEmpty();
        assertThat(listing.substring(listing.indexOf("--- archives") + 12, listing.indexOf("--- packages")).strip()).isEqualTo("0");
        List<String> packages = listing.substring(listing.indexOf("--- packages") + 12).strip().lines().toList();
        // gcc-14-base and libgcc-s1 are run-time libraries every C++ program needs; compilers are gcc-N, cpp-N, ...
        // postgresql-common-dev is a dependency of postgresql-common (pg_buildext's scripts; no compiler, no headers)
        assertThat(packages).noneMatch(p -> p.matches("(gcc|g\\+\\+|cpp|clang|llvm|make|binutils)(-[0-9.]+)?")
                || (p.endsWith("-dev") && !p.equals("postgresql-common-dev")) || p.equals("curl") || p.equals("jq") || p.equals("build-essential"))
                .contains("postgresql-17", "pgbouncer", "gcc-14-base");
        assertThat(podmanOk("run", "--rm", "--entrypoint", "/usr/lib/postgresql/17/bin/pg_rewind", images.runtime(), "--version"))
                .startsWith("pg_rewind (PostgreSQL) 17.");

        String test = podmanOk("run", "--rm", "--entrypoint", "sh", images.test(), "-c",
                "for p in psql curl jq bash; do command -v $p || echo \"missing: $p\"; done; id -un");
        assertThat(test).doesNotContain("missing:");
        assertThat(test.lines().toList()).hasSize(5).last().isEqualTo("postgres");
    }

    @Test
    @Order(12)
    void labelsPackagesAndHealthcheckMatchTheManifestAndSurviveTheArchive() throws Exception {
        JsonNode config = JSON.readTree(podmanOk("image", "inspect", images.runtime())).get(0).get("Config");
        JsonNode labels = config.get("Labels");
        for (String line : ManifestTool.run("labels").lines().toList()) {
            String[] kv = line.split("=", 2);
            assertThat(labels.path(kv[0]).asText()).as("label %s", kv[0]).isEqualTo(kv[1]);
        }
        String rootfsSha = Files.readString(Path.of("target/image/rootfs.sha256")).strip();
        assertThat(labels.path("org.opencontainers.image.base.digest").asText()).isEqualTo("sha256:" + rootfsSha);
        for (String key : List.of("title", "description", "version", "revision", "created", "source", "licenses", "base.name")) {
            assertThat(labels.path("org.opencontainers.image." + key).asText()).as(key).isNotBlank();
        }
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(images.version());
        assertThat(config.get("Env").toString()).contains("POSTGRES_SHARED_PRELOAD_LIBRARIES="
                + ManifestTool.run("preload").strip());

        Map<String, String> installed = new java.util.HashMap<>();
        podmanOk("run", "--rm", "--entrypoint", "dpkg-query", images.runtime(), "-W", "-f", "${Package}=${Version}\\n")
                .lines().forEach(l -> installed.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        for (String pinned : ManifestTool.run("packages").lines().toList()) {
            String pkg = pinned.substring(0, pinned.indexOf('='));
            assertThat(pkg + "=" + installed.get(pkg)).as("installed version of %s", pkg).isEqualTo(pinned);
        }

        // the docker-archive keeps the HEALTHCHECK (an OCI archive would drop it)
        Path unpacked = tmp.resolve("archive");
        Files.createDirectories(unpacked);
        ProcessResult tar = new io.pgwarden.pg.SystemProcessRunner().run(List.of("tar", "-xf",
                images.archive().toAbsolutePath().toString(), "-C", unpacked.toString(), "manifest.json"), unpacked,
                Map.of(), Duration.ofMinutes(2));
        assertThat(tar.ok()).as(tar.stderr()).isTrue();
        String configFile = JSON.readTree(unpacked.resolve("manifest.json").toFile()).get(0).get("Config").asText();
        new io.pgwarden.pg.SystemProcessRunner().run(List.of("tar", "-xf", images.archive().toAbsolutePath().toString(),
                "-C", unpacked.toString(), configFile), unpacked, Map.of(), Duration.ofMinutes(2));
        JsonNode archived = JSON.readTree(unpacked.resolve(configFile).toFile()).get("config");
        assertThat(archived.get("Healthcheck").get("Test").toString()).isEqualTo("[\"CMD\",\"pgwarden\",\"healthcheck\"]");
        assertThat(archived.get("User").asText()).isEqualTo("postgres");
        assertThat(archived.get("StopSignal").asText()).isEqualTo("SIGTERM");

        long size = Long.parseLong(podmanOk("image", "inspect", "--format", "{{.Size}}", images.runtime()).strip());
        assertThat(size).as("runtime image size in bytes").isLessThanOrEqualTo(450_000_000L);
    }

    @Test
    @Order(13)
    void theSbomListsEveryDebianPackageOfTheRuntimeImageAndEveryJavaLibrary() throws Exception {
        JsonNode sbom = JSON.readTree(images.sbom().toFile());
        assertThat(sbom.get("bomFormat").asText()).isEqualTo("CycloneDX");
        Set<String> debian = new HashSet<>();
        sbom.get("components").forEach(c -> {
            if (c.path("purl").asText().startsWith("pkg:deb/debian/" + c.path("name").asText() + "@")
                    && c.path("purl").asText().contains("?arch=")) {
                debian.add(c.path("name").asText() + " " + c.path("version").asText());
            }
        });
        List<String> os = podmanOk("run", "--rm", "--entrypoint", "dpkg-query", images.runtime(), "-W", "-f",
                "${Package} ${Version}\\n").lines().toList();
        assertThat(os).hasSizeGreaterThan(100);
        assertThat(debian).as("Debian components of the SBOM").containsExactlyInAnyOrderElementsOf(os);
        try (var jars = Files.list(Path.of("target/lib"))) {
            for (Path jar : jars.toList()) {
                String file = jar.getFileName().toString();
                assertThat(sbom.get("components")).as("SBOM has the Java library %s", file).anySatisfy(c -> assertThat(
                        c.path("name").asText() + "-" + c.path("version").asText() + ".jar").isEqualTo(file));
            }
        }
    }
}

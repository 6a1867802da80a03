package io.pgwarden.testing;

import io.pgwarden.pg.ProcessResult;
import io.pgwarden.pg.SystemProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The runtime and test images, built once per test JVM by {@code deploy/image/build --no-maven} (Failsafe runs after
 * {@code package}, so the jar, its libraries and the Java SBOM are there), and podman through
 * {@code deploy/image/podman} (the container configuration this machine kind needs).
 */
public final class TestImages {
    /** A cold build makes the rootfs (about two minutes here) and jlinks a runtime; a warm one takes seconds. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);
    public static final Path PODMAN = Path.of("deploy/image/podman").toAbsolutePath();
    private static Built built;
    private static AssertionError failed;

    /** What the build made. */
    public record Built(String version, String runtime, String test, Path archive, Path sbom, Path rootfsPackages) {
    }

    private TestImages() {
    }

    /** Skips the calling test (with the reason) when podman is not installed; CI installs it (.ci/run). */
    public static void assumePodman() {
        Assumptions.assumeTrue(onPath("podman"), "podman is not installed (apt-get install podman runc buildah"
                + " mmdebstrap podman-compose, as .ci/run does): the image tests need it");
    }

    public static synchronized Built build() {
        assumePodman();
        if (failed != null) {
            throw failed;
        }
        if (built == null) {
            Path log = Path.of("target/image/build.log");
            try {
                Files.createDirectories(log.getParent());
                ProcessBuilder pb = new ProcessBuilder("deploy/image/build", "--no-maven", "--target", "all")
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                Process p = pb.start();
                p.getOutputStream().close();
                if (!p.waitFor(BUILD_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("deploy/image/build did not finish within " + BUILD_TIMEOUT + "; see " + log);
                }
                if (p.exitValue() != 0) {
                    List<String> lines = Files.readAllLines(log);
                    throw new AssertionError("deploy/image/build exited " + p.exitValue() + ":\n"
                            + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
                }
                String version = io.pgwarden.health.PgWardenVersion.get();
                built = new Built(version, "localhost/pgwarden:" + version, "localhost/pgwarden-test:" + version,
                        Path.of("target/image/pgwarden-" + version + ".docker.tar"),
                        Path.of("target/image/pgwarden-" + version + ".cdx.json"), Path.of("target/image/rootfs.packages"));
            } catch (IOException e) {
                failed = new AssertionError("cannot run deploy/image/build", e);
                throw failed;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (AssertionError e) {
                failed = e;
                throw e;
            }
        }
        return built;
    }

    /** {@code podman ARGS}, with the project's container configuration. */
    public static ProcessResult podman(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(PODMAN.toString()));
        command.addAll(List.of(args));
        return new SystemProcessRunner().run(command, Path.of("").toAbsolutePath(), Map.of(), timeout);
    }

    /** {@code podman ARGS}, failing the test with podman's output when it exits non-zero. */
    public static String podmanOk(String... args) {
        ProcessResult r = podman(Duration.ofMinutes(2), args);
        if (!r.ok()) {
            throw new AssertionError("podman " + String.join(" ", args) + " exited " + r.exitCode() + ":\n" + r.stdout()
                    + r.stderr());
        }
        return r.stdout();
    }

    /** The CONTAINERS_CONF deploy/image/podman selects, for tools that call podman themselves (podman-compose). */
    public static String containersConf() {
        return podmanOk("--conf").strip();
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}

package io.pgwarden.cli;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * pgwarden from the packaged jar as a child JVM running as the unprivileged {@code postgres} user, as in a
 * container with {@code USER postgres}: started through {@code setpriv --reuid=postgres --regid=postgres
 * --init-groups}, which execs, so the child PID is the JVM itself. stdout is collected line by line, stderr
 * goes to a file.
 */
final class PostgresUserJvm implements AutoCloseable {
    static final String USER = "postgres";
    /** initdb and a first start on a shared 2-core machine; a JVM start-up under load. */
    private static final Duration WAIT = Duration.ofSeconds(120);

    final Process process;
    final Path stderr;
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private PostgresUserJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // process ended
            }
        }, "postgres-user-jvm-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Copies target/pgwarden.jar, target/lib and the launcher's JVM options to {@code dir} (created, mode 0755,
     * everything world-readable): the build directory may sit below directories the postgres user cannot enter.
     */
    static Path distribution(Path dir) throws IOException {
        Path jar = UpProcess.jar();
        Path lib = jar.toAbsolutePath().getParent().resolve("lib");
        Files.createDirectories(dir.resolve("lib"));
        Files.copy(jar, dir.resolve("pgwarden.jar"));
        Files.copy(Path.of("deploy/jvm.options"), dir.resolve("jvm.options"));
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path p : jars.toList()) {
                Files.copy(p, dir.resolve("lib").resolve(p.getFileName()));
            }
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return dir;
    }

    /** Starts {@code pgwarden <args>} as postgres, with {@code home} as HOME and working directory. */
    static PostgresUserJvm start(Path distribution, Path home, Path stderr, String... args) throws IOException {
        return start(List.of("--reuid=" + USER, "--regid=" + USER, "--init-groups"), USER, distribution, home, stderr, args);
    }

    /** As {@link #start} under a bare {@code uid} that has no user name (no passwd entry), as orchestrators may assign. */
    static PostgresUserJvm startAsUid(long uid, Path distribution, Path home, Path stderr, String... args) throws IOException {
        return start(List.of("--reuid=" + uid, "--regid=" + uid, "--clear-groups"), Long.toString(uid), distribution, home,
                stderr, args);
    }

    private static PostgresUserJvm start(List<String> identity, String user, Path distribution, Path home, Path stderr,
            String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("setpriv"));
        command.addAll(identity);
        command.addAll(List.of("--", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + distribution.resolve("jvm.options"), "-jar", distribution.resolve("pgwarden.jar").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("PG") || k.equals("DATABASE_URL") || k.equals("HEALTH_PORT"));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("USER", user);
        pb.environment().put("LOGNAME", user);
        pb.environment().put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        return new PostgresUserJvm(pb.start(), stderr);
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the first stdout line starting with {@code prefix} (failing early if the process ends). */
    String awaitLine(String prefix) {
        await().atMost(WAIT).until(() -> find(prefix).isPresent() || !process.isAlive());
        return find(prefix).orElseThrow(() -> new AssertionError("no '" + prefix + "' line; stdout was " + lines
                + (process.isAlive() ? "" : " and the process exited with " + process.exitValue()) + "; stderr:\n" + stderr()));
    }

    Optional<String> find(String prefix) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst();
        }
    }

    /** The exit code once the process has ended on its own and all of stdout has been read. */
    int awaitExit() throws InterruptedException {
        await().atMost(WAIT).until(() -> !process.isAlive() && !reader.isAlive());
        return process.waitFor();
    }

    /** SIGTERM (to the JVM: setpriv exec'd it), then the exit code. */
    int terminate() throws InterruptedException {
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of stdout
        return awaitExit();
    }

    String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** SIGTERM first, so that pgwarden stops its PostgreSQL; SIGKILL only if it does not end in time. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.toHandle().destroy();
            try {
                if (!process.waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

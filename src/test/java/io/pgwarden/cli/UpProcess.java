package io.pgwarden.cli;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** {@code pgwarden up ...} as a real child JVM (the packaged jar), its stdout collected line by line. */
final class UpProcess implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(120);

    final Process process;
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private UpProcess(Process process) {
        this.process = process;
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // process ended
            }
        }, "up-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("pgwarden.jar", "target/pgwarden.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; run ./mvnw verify (the jar is built in the package phase)");
        }
        return jar;
    }

    static UpProcess start(Path workDir, Path stderr, String... args) throws IOException {
        return start(java.util.Map.of(), workDir, stderr, args);
    }

    /** As {@link #start(Path, Path, String...)} with extra environment variables for pgwarden. */
    static UpProcess start(java.util.Map<String, String> env, Path workDir, Path stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar().toAbsolutePath().toString(), "up"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        pb.environment().remove("PGDATA");
        pb.environment().remove("PGPORT");
        pb.environment().remove("PG_BINDIR");
        pb.environment().putAll(env);
        return new UpProcess(pb.start());
    }

    /** Waits for the first line starting with {@code prefix} (failing early if the process ends). */
    String awaitLine(String prefix) {
        await().atMost(WAIT).until(() -> find(prefix).isPresent() || !process.isAlive());
        return find(prefix).orElseThrow(() -> new AssertionError("no '" + prefix + "' line; pgwarden up printed " + lines
                + (process.isAlive() ? "" : " and exited with " + process.exitValue())));
    }

    Optional<String> find(String prefix) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst();
        }
    }

    /** SIGTERM, then the exit code, once all of stdout has been read. */
    int terminate() throws InterruptedException {
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of stdout
        await().atMost(WAIT).until(() -> !process.isAlive() && !reader.isAlive());
        return process.waitFor();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

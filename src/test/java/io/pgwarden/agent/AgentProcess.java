package io.pgwarden.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * pgwarden as a real child process ({@code java -jar target/pgwarden.jar ...}, with the launcher's
 * JVM flags), its output in a file for failure messages.
 */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final Path output;

    private AgentProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static AgentProcess start(List<String> args, Map<String, String> env, Path output) throws IOException {
        String jar = System.getProperty("pgwarden.jar", "target/pgwarden.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@deploy/jvm.options", "-jar", jar));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("PG") || k.equals("DATABASE_URL") || k.equals("HEALTH_PORT"));
        pb.environment().putAll(env);
        return new AgentProcess(pb.start(), output);
    }

    /** Sends SIGTERM (what Process.destroy does on Unix). */
    void terminate() {
        process.destroy();
    }

    /** Waits for the exit code; -1 (and a kill) when it does not exit within {@code seconds}. */
    int waitForExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    /** The agent's process id (the JVM's: it is the parent of the postmaster it starts). */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}

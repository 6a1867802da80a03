package io.pgwarden.testing;

import io.pgwarden.pg.SystemProcessRunner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real single-member etcd (Debian's {@code etcd-server}, /usr/bin/etcd) as a child process on free loopback ports
 * with its data in a temporary directory. It can be stopped and started again on the same ports and data (an outage),
 * or frozen with SIGSTOP (a hung server: connections are accepted, nothing answers).
 */
public final class TestEtcd implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/etcd");
    /** etcd starts in well under a second; generous for a loaded 2-core CI machine. */
    private static final Duration START_WAIT = Duration.ofSeconds(30);

    private final Path dir;
    private final int clientPort;
    private final int peerPort;
    private Process process;

    private TestEtcd(Path dir, int clientPort, int peerPort) {
        this.dir = dir;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
    }

    public static TestEtcd start() {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: apt-get install etcd-server");
        }
        try {
            TestEtcd etcd = new TestEtcd(Files.createTempDirectory("pgwarden-etcd-"), TestPostgres.freePort(),
                    TestPostgres.freePort());
            etcd.startAgain();
            return etcd;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server (again) on the same ports and data directory, and waits until it answers /health. */
    public synchronized void startAgain() {
        if (process != null && process.isAlive()) {
            return;
        }
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        process = new SystemProcessRunner().start(List.of(BINARY.toString(), "--name", "test",
                    "--data-dir", dir.resolve("data").toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", "test=" + peer, "--initial-cluster-state", "new",
                    "--logger", "zap", "--log-outputs", "stderr"), dir, Map.of(), dir.resolve("etcd.log"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Process p = process;
        Awaitility.await("etcd answering on " + client).atMost(START_WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("etcd exited: " + log());
                    }
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(client + "/health"))
                                .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                        return r.statusCode() == 200 && r.body().contains("true");
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /** Stops the server (SIGTERM, then SIGKILL); the data stays for {@link #startAgain()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        resume();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** SIGSTOP: the server keeps its sockets open but answers nothing, like a hung or overloaded etcd. */
    public synchronized void freeze() {
        signal("-STOP");
    }

    public synchronized void resume() {
        signal("-CONT");
    }

    private void signal(String sig) {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", sig, Long.toString(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + clientPort);
    }

    public List<URI> endpoints() {
        return List.of(endpoint());
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("etcd.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stop();
        TestPostgres.deleteTree(dir);
    }
}

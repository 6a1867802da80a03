package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.pg.BinariesRequest;
import io.pgwarden.pg.BinariesResolver;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Helpers shared by the instance ITs: real binaries, a reachable temp directory, a supervisor on a thread. */
final class InstanceFixture implements AutoCloseable {
    final Path base;
    final PgBinaries binaries;
    final List<Supervisor.Event> events = Collections.synchronizedList(new ArrayList<>());
    private final List<Supervisor> running = new ArrayList<>();

    InstanceFixture(int major) throws IOException {
        base = Files.createTempDirectory("pgwarden-instance-it-");
        // the server user (postgres, when tests run as root) must be able to enter the directory
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        binaries = binaries(major);
    }

    static PgBinaries binaries(int major) {
        Path dir = major == 15 ? TestPostgres.DEBIAN_15 : TestPostgres.embedded(major);
        return BinariesResolver.defaults(Map.of(), System.err).resolve(new BinariesRequest(dir, "--pg-bin", null, null));
    }

    InstanceConfig config(int port) {
        return InstanceConfig.local(base.resolve("data"), port);
    }

    LocalInstance instance(InstanceConfig config) {
        return new LocalInstance(config, binaries, new SystemProcessRunner(), new ServerFiles(Privileges.detect(null)), Clock.SYSTEM);
    }

    /** Runs the supervisor on its own thread; the future completes with the outcome or the failure. */
    CompletableFuture<Supervisor.Outcome> supervise(Supervisor s) {
        running.add(s);
        CompletableFuture<Supervisor.Outcome> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(s.run());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "supervisor-it");
        t.setDaemon(true);
        t.start();
        return f;
    }

    static ConnectionSpec spec(InstanceConfig config, String password) {
        return ConnectionSpec.fromEnv(Map.of()).withHostPort("127.0.0.1", config.port()).withDatabase("postgres")
                .withUser("postgres", password).withConnectTimeout(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        for (Supervisor s : running) {
            try {
                s.requestStop();
            } catch (RuntimeException e) {
                // best effort
            }
        }
        try (var paths = Files.walk(base)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // temporary directory
        }
    }
}

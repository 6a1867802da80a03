package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.pg.BinariesRequest;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.testing.SteppingClock;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code run} and {@code sidecar} are made of, as lists of loops, and that an assembled agent runs and stops
 * on the test clock (no server: the monitor sees PostgreSQL as not probed yet).
 */
class AgentAssemblyTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
    @TempDir
    Path dir;
    private final SteppingClock clock = new SteppingClock();
    private final ConnectionSpec target = ConnectionSpec.parseUrl("postgresql://app@127.0.0.1:5999/shop",
            ConnectionSpec.fromEnv(Map.of()));

    private RunAgent run(Path migrations) {
        RunSettings settings = new RunSettings(InstanceConfig.local(dir.resolve("data"), 5999),
                new BinariesRequest(null, null, null, null), null, target, ANY_PORT, migrations, "postgres", "public",
                Duration.ofSeconds(5), Duration.ofSeconds(7));
        return new RunAgent(settings, null, null, null, clock);
    }

    private SidecarAgent sidecar(Path migrations) {
        return new SidecarAgent(new SidecarSettings(target, migrations, "public", Duration.ofSeconds(5), ANY_PORT,
                Duration.ofSeconds(30), false, Duration.ofSeconds(7)), clock);
    }

    @Test
    void runIsTheMonitorPlusTheMigrationsAndTheirWatchWhenADirectoryIsGiven() throws Exception {
        Files.createDirectories(dir.resolve("migrations"));
        try (AgentHealth health = AgentHealth.start(ANY_PORT, clock)) {
            assertThat(run(dir.resolve("migrations")).loops(health, target).loops())
                    .extracting(AgentLoop::name).containsExactly("monitor", "migrations", "migrations-watch");
        }
        try (AgentHealth health = AgentHealth.start(ANY_PORT, clock)) {
            Agent agent = run(null).loops(health, target);
            assertThat(agent.loops()).extracting(AgentLoop::name).containsExactly("monitor");
            assertThat(agent.loops().get(0).interval()).as("--monitor-interval").isEqualTo(Duration.ofSeconds(7));
        }
    }

    @Test
    void sidecarIsTheSameListAndItsMigrationChainsShowAtOnce() throws Exception {
        Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(dir.resolve("migrations/V1__one.sql"), "SELECT 1;\n");
        try (AgentHealth health = AgentHealth.start(ANY_PORT, clock)) {
            SidecarAgent sidecar = sidecar(dir.resolve("migrations"));
            MigrationLoops migrations = sidecar.migrations(health);
            assertThat(health.migrations().chains()).hasSize(1);
            assertThat(sidecar.loops(health, migrations).loops()).extracting(AgentLoop::name)
                    .containsExactly("monitor", "migrations", "migrations-watch");
        }
        try (AgentHealth health = AgentHealth.start(ANY_PORT, clock)) {
            SidecarAgent sidecar = sidecar(null);
            assertThat(sidecar.migrations(health)).isNull();
            assertThat(sidecar.loops(health, null).loops()).extracting(AgentLoop::name).containsExactly("monitor");
        }
    }

    @Test
    void anAssembledAgentRunsItsLoopsOnTheClockShowsTheirReasonsAndStops() throws Exception {
        try (AgentHealth health = AgentHealth.start(ANY_PORT, clock)) {
            Agent agent = run(null).loops(health, target);
            StopSignal stop = StopSignal.manual();
            Thread runner = new Thread(() -> {
                try {
                    agent.run(stop);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            runner.start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> health.loops().statuses().stream()
                    .anyMatch(l -> l.name().equals("monitor") && l.reason() != null));
            assertThat(health.loops().statuses().get(0).reason()).isEqualTo("PostgreSQL at postgresql://app@127.0.0.1:5999/shop is starting (pgwarden is starting);"
                    + " readiness is 503 until it returns");;
            stop.request("test over");
            runner.join(30_000);
            assertThat(runner.isAlive()).isFalse();
            assertThat(health.loops().statuses()).as("a stopped agent unregisters its loops").isEmpty();
        }
    }
}

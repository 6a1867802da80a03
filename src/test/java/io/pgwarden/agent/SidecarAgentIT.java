package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.core.Clock;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sidecar agent in-process against its own real server, which the test stops and starts. */
class SidecarAgentIT {
    /** Generous: starting and stopping servers on a shared 2-core machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static TestPostgres pg;

    @BeforeAll
    static void startServer() {
        pg = TestPostgres.start(TestPostgres.DEBIAN_15, java.util.Map.of());
    }

    @AfterAll
    static void stopServer() {
        pg.close();
    }

    private static SidecarSettings settings(ConnectionSpec target, int healthPort, Duration wait) {
        return new SidecarSettings(target, null, "public", Duration.ofMinutes(1),
                new InetSocketAddress("127.0.0.1", healthPort), wait, true);
    }

    private static CompletableFuture<Integer> runAsync(SidecarSettings settings, StopSignal stop) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new SidecarAgent(settings, Clock.SYSTEM).run(stop);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> new Thread(r, "sidecar-under-test").start());
    }

    @Test
    void createsTheDatabaseAndFollowsTheServerGoingAwayAndComingBack() throws Exception {
        int port = TestPostgres.freePort();
        AgentHttp http = new AgentHttp(port);
        StopSignal stop = StopSignal.manual();
        ConnectionSpec target = pg.spec().withDatabase("sidecar_app");
        CompletableFuture<Integer> exit = runAsync(settings(target, port, Duration.ofSeconds(60)), stop);
        try {
            await().atMost(DEADLINE).until(() -> http.status("/readiness") == 200);
            AgentHttp.Response ready = http.get("/readiness");
            assertThat(ready.json().at("/postgres/state").asText()).isEqualTo("running");
            assertThat(ready.json().get("role").asText()).isEqualTo("primary");

            pg.stopServer("fast");
            await().atMost(DEADLINE).until(() -> http.status("/readiness") == 503);
            AgentHttp.Response away = http.get("/readiness");
            assertThat(away.json().at("/postgres/state").asText()).isEqualTo("unreachable");
            assertThat(away.json().get("reason").asText()).startsWith("PostgreSQL is unreachable: 127.0.0.1:" + pg.port());
            assertThat(http.status("/liveness")).isEqualTo(200);
            assertThat(exit).isNotDone();

            pg.startServer();
            await().atMost(DEADLINE).until(() -> http.status("/readiness") == 200);
            assertThat(http.status("/primary")).isEqualTo(200);
        } finally {
            stop.request("test");
        }
        assertThat(exit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isZero();
        assertThat(http.status("/liveness")).as("health server closed after stop").isEqualTo(-1);
    }

    @Test
    void reportsNotReadyWithinSecondsOfASmartShutdownAndDoesNotHoldItUp() throws Exception {
        int port = TestPostgres.freePort();
        AgentHttp http = new AgentHttp(port);
        StopSignal stop = StopSignal.manual();
        CompletableFuture<Integer> exit = runAsync(settings(pg.spec(), port, Duration.ofSeconds(60)), stop);
        try {
            await().atMost(DEADLINE).until(() -> http.status("/readiness") == 200);
            CompletableFuture<Void> smartStop;
            // a client session of the test's own keeps the server in smart shutdown until the test closes it
            try (java.sql.Connection client = pg.connect()) {
                smartStop = CompletableFuture.runAsync(() -> pg.stopServer("smart"),
                        r -> new Thread(r, "smart-stop").start());
                await().atMost(Duration.ofSeconds(10)).until(() -> http.status("/readiness") == 503);
                AgentHttp.Response stopping = http.get("/readiness");
                assertThat(stopping.json().at("/postgres/state").asText()).isEqualTo("shutting_down");
                assertThat(stopping.json().get("reason").asText()).isEqualTo("PostgreSQL is shutting down: 127.0.0.1:"
                        + pg.port() + ": FATAL: the database system is shutting down (SQLSTATE 57P03)");
                assertThat(http.status("/primary")).isEqualTo(503);
                assertThat(smartStop).as("smart shutdown waits for the test's own session").isNotDone();
            }
            await().atMost(Duration.ofSeconds(30)).until(smartStop::isDone);
            assertThat(smartStop).isCompleted();
            assertThat(exit).as("the sidecar keeps running while the server is away").isNotDone();
            assertThat(http.status("/liveness")).isEqualTo(200);
            assertThat(http.status("/readiness")).isEqualTo(503);
        } finally {
            stop.request("test");
            pg.startServer();
        }
        assertThat(exit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isZero();
    }

    @Test
    void answersLivenessWhileWaitingAndGivesUpAfterTheWaitTimeout() {
        int port = TestPostgres.freePort();
        int nowhere = TestPostgres.freePort();
        AgentHttp http = new AgentHttp(port);
        ConnectionSpec target = pg.spec().withHostPort("127.0.0.1", nowhere).withDatabase("app");
        CompletableFuture<Integer> exit = runAsync(settings(target, port, Duration.ofSeconds(8)),
                StopSignal.manual());
        await().atMost(DEADLINE).until(() -> http.status("/liveness") == 200);
        assertThat(http.status("/readiness")).isEqualTo(503);
        assertThat(http.get("/health").json().get("reason").asText())
                .startsWith("PostgreSQL is unreachable: 127.0.0.1:" + nowhere + ": Connection to 127.0.0.1:" + nowhere
                        + " refused");
        await().atMost(DEADLINE).until(exit::isDone);
        assertThat(exit).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOf(PgWardenException.class)
                .withMessageStartingWith("PostgreSQL at postgresql://postgres@127.0.0.1:" + nowhere
                        + "/app did not accept connections within 8s (--wait-timeout); last error: 127.0.0.1:" + nowhere);
    }
}

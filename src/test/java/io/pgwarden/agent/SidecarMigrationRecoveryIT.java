package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgwarden.core.Clock;
import io.pgwarden.migrate.MigrationLock;
import io.pgwarden.migrate.MigrationSettings;
import io.pgwarden.migrate.RepairCommand;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import io.pgwarden.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's migration runner recovering without a restart, over HTTP on the shared server: a bad file
 * added at runtime, a directory removed and put back, a migration lock held by another session beyond
 * {@code --lock-timeout}, and a changed applied file realigned by {@code migrate repair}. Retry intervals
 * are shortened through the agent's constructor parameters (production: 5 s doubling to 2 min, 30 s re-checks).
 */
class SidecarMigrationRecoveryIT {
    /** Generous: a shared 2-core machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Short retries, so that recovery is seen in seconds. */
    private static final MigrationRetry FAST = new MigrationRetry(Duration.ofMillis(300), Duration.ofSeconds(1),
            Duration.ofMillis(500));
    private static final String V1 = "CREATE TABLE accounts (id bigint PRIMARY KEY);\n";

    @Test
    void aBadFileAddedAtRuntimeMakesReadiness503UntilItIsFixed() throws Exception {
        ConnectionSpec target = TestPostgres.shared().createDatabase("sidecar_badname");
        Path dir = Files.createTempDirectory("pgwarden-sidecar-badname-");
        Files.writeString(dir.resolve("V1__create_accounts.sql"), V1);
        try (Sidecar sidecar = Sidecar.start(target, dir, Duration.ofMinutes(1))) {
            sidecar.awaitReady();

            Files.writeString(dir.resolve("V5-oops.sql"), "CREATE TABLE oops (id int);\n");
            AgentHttp.Response broken = sidecar.awaitReason("not a migration file name");
            assertThat(broken.status()).isEqualTo(503);
            assertThat(broken.json().get("reason").asText()).startsWith("migration chain (root) failed: Migrations in "
                    + dir + " cannot be used (1 problem); nothing was applied:");
            JsonNode chain = broken.json().at("/migrations/0");
            assertThat(chain.get("state").asText()).isEqualTo("failed");
            assertThat(chain.get("applied").asInt()).isEqualTo(1);
            assertThat(chain.get("error").asText()).contains("  V5-oops.sql: not a migration file name; ")
                    .endsWith("Fix or remove these files: the agent applies the directory as soon as it changes.");
            assertThat(sidecar.http.status("/liveness")).isEqualTo(200);

            Files.delete(dir.resolve("V5-oops.sql"));
            Files.writeString(dir.resolve("V5__new.sql"), "CREATE TABLE fresh (id int);\n");
            JsonNode applied = sidecar.awaitReady();
            assertThat(applied.get("applied").asInt()).isEqualTo(2);
            assertThat(tableExists(target, "fresh")).isTrue();
            assertThat(tableExists(target, "oops")).isFalse();
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Test
    void aDirectoryRemovedAndPutBackIsWatchedAgain() throws Exception {
        ConnectionSpec target = TestPostgres.shared().createDatabase("sidecar_rmdir");
        Path dir = Files.createTempDirectory("pgwarden-sidecar-rmdir-");
        Files.writeString(dir.resolve("V1__create_accounts.sql"), V1);
        Path staging = Files.createTempDirectory("pgwarden-sidecar-rmdir-staging-");
        try (Sidecar sidecar = Sidecar.start(target, dir, Duration.ofMinutes(1))) {
            sidecar.awaitReady();

            TempDirs.delete(dir);
            AgentHttp.Response missing = sidecar.awaitReason("does not exist");
            assertThat(missing.status()).isEqualTo(503);
            assertThat(missing.json().get("reason").asText()).isEqualTo("migration chain (root) failed: Migrations"
                    + " directory " + dir + " does not exist or is not a directory (removed while the agent runs?); the"
                    + " agent applies it as soon as it is back.");

            // a new directory (another inode) under the old name, with its files in place at once
            Files.writeString(staging.resolve("V1__create_accounts.sql"), V1);
            Files.writeString(staging.resolve("V2__add_email.sql"), "ALTER TABLE accounts ADD COLUMN email text;\n");
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            JsonNode applied = sidecar.awaitReady();
            assertThat(applied.get("applied").asInt()).isEqualTo(2);

            Files.writeString(dir.resolve("V3__add_name.sql"), "ALTER TABLE accounts ADD COLUMN name text;\n");
            assertThat(sidecar.awaitApplied(3).get("pending").asInt()).isZero();
        } finally {
            TempDirs.delete(dir);
            TempDirs.delete(staging);
        }
    }

    @Test
    void aLockHeldBeyondTheLockTimeoutIsRetriedUntilItIsReleased() throws Exception {
        ConnectionSpec target = TestPostgres.shared().createDatabase("sidecar_lock");
        Path dir = Files.createTempDirectory("pgwarden-sidecar-lock-");
        Files.writeString(dir.resolve("V1__create_accounts.sql"), V1);
        try (Connection other = PgConnections.open(target)) {
            // the lock another 'pgwarden migrate apply' takes, the way it takes it
            MigrationLock held = new MigrationLock(other, Clock.SYSTEM, target.database());
            held.acquire(Duration.ofSeconds(10));
            int holderPid;
            try (Statement s = other.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                holderPid = rs.getInt(1);
            }
            try (Sidecar sidecar = Sidecar.start(target, dir, Duration.ofSeconds(1))) {
                AgentHttp.Response timedOut = sidecar.awaitReason("waiting for the migration lock");
                assertThat(timedOut.status()).isEqualTo(503);
                assertThat(timedOut.json().get("reason").asText()).startsWith("migration chain (root) failed: Timed out"
                        + " after 1s waiting for the migration lock on database " + target.database() + ": it is held by pid "
                        + holderPid + " (");
                // retried while it is held: each attempt times out again
                await().atMost(DEADLINE).until(() -> loopErrors(sidecar) >= 2);
                assertThat(sidecar.http.status("/readiness")).isEqualTo(503);

                held.release();
                JsonNode applied = sidecar.awaitReady();
                assertThat(applied.get("applied").asInt()).isEqualTo(1);
                assertThat(tableExists(target, "accounts")).isTrue();
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Test
    void aChangedAppliedFileRealignedByRepairIsReadyWithoutTouchingTheFiles() throws Exception {
        ConnectionSpec target = TestPostgres.shared().createDatabase("sidecar_repair");
        Path dir = Files.createTempDirectory("pgwarden-sidecar-repair-");
        Files.writeString(dir.resolve("V1__create_accounts.sql"), V1);
        try (Sidecar sidecar = Sidecar.start(target, dir, Duration.ofMinutes(1))) {
            sidecar.awaitReady();

            Files.writeString(dir.resolve("V1__create_accounts.sql"), "-- reformatted\n" + V1);
            AgentHttp.Response changed = sidecar.awaitReason("was changed after it was applied");
            assertThat(changed.status()).isEqualTo(503);
            assertThat(changed.json().get("reason").asText()).startsWith("migration chain (root) failed: The migration"
                    + " history of ");

            new RepairCommand(new MigrationSettings(target, dir, "public", Duration.ofSeconds(10)), Clock.SYSTEM).execute();
            JsonNode ready = sidecar.awaitReady();
            assertThat(ready.get("applied").asInt()).isEqualTo(1);
            assertThat(ready.get("error").isNull()).isTrue();
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static double loopErrors(Sidecar sidecar) {
        return PrometheusSamples.of(sidecar.http.get("/metrics").body()).value("pgwarden_loop_errors_total{loop=\"migrations\"}");
    }

    private static boolean tableExists(ConnectionSpec target, String table) throws Exception {
        try (Connection c = PgConnections.open(target); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** A sidecar agent running in this JVM with short retry intervals, stopped (exit 0 checked) on close. */
    private record Sidecar(AgentHttp http, StopSignal stop, CompletableFuture<Integer> exit) implements AutoCloseable {
        static Sidecar start(ConnectionSpec target, Path dir, Duration lockTimeout) {
            int port = TestPostgres.freePort();
            StopSignal stop = StopSignal.manual();
            SidecarSettings settings = new SidecarSettings(target, dir, "public", lockTimeout,
                    new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(60), false);
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
                try {
                    return new SidecarAgent(settings, Clock.SYSTEM).migrationRetry(FAST).run(stop);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, r -> new Thread(r, "sidecar-recovery-under-test").start());
            return new Sidecar(new AgentHttp(port), stop, exit);
        }

        /** Waits for readiness 200 and returns the (only) chain. */
        JsonNode awaitReady() {
            await().atMost(DEADLINE).until(() -> http.status("/readiness") == 200 || exit.isDone());
            AgentHttp.Response r = http.get("/readiness");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("reason").asText()).isEqualTo("PostgreSQL accepts connections and every migration"
                    + " chain is applied");
            JsonNode chain = r.json().at("/migrations/0");
            assertThat(chain.get("state").asText()).isEqualTo("applied");
            return chain;
        }

        JsonNode awaitApplied(int applied) {
            await().atMost(DEADLINE).until(() -> {
                AgentHttp.Response r = http.get("/readiness");
                return r.status() == 200 && r.json().at("/migrations/0/applied").asInt() == applied;
            });
            return http.get("/readiness").json().at("/migrations/0");
        }

        /** Waits until the readiness reason contains {@code text} and returns that response. */
        AgentHttp.Response awaitReason(String text) {
            AgentHttp.Response[] last = {null};
            await().atMost(DEADLINE).until(() -> {
                last[0] = http.get("/readiness");
                return last[0].status() > 0 && last[0].json().path("reason").asText().contains(text);
            });
            return last[0];
        }

        @Override
        public void close() throws Exception {
            stop.request("test");
            assertThat(exit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isZero();
        }
    }
}

package io.pgwarden.migrate;

import static io.pgwarden.migrate.MigrateFixture.column;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.agent.MigrateWatchAgent;
import io.pgwarden.agent.StopSignal;
import io.pgwarden.core.Clock;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * watch on a directory laid out as kubelet mounts a ConfigMap: timestamped {@code ..<date>} directories, a
 * {@code ..data} symlink swapped atomically on update, and per-key symlinks into {@code ..data/}.
 */
class MigrateWatchIT {
    @TempDir
    Path mount;

    private int snapshots;

    /** Publishes a new ConfigMap version the way kubelet does: new dir, new ..data via rename, key symlinks. */
    private void publish(Map<String, String> files) throws IOException {
        Path snapshot = mount.resolve("..2026_11_23_20_0" + snapshots++ + "_00.123456789");
        Files.createDirectory(snapshot);
        for (var e : files.entrySet()) {
            Files.writeString(snapshot.resolve(e.getKey()), e.getValue());
        }
        Path tmp = mount.resolve("..data_tmp");
        Files.createSymbolicLink(tmp, Path.of(snapshot.getFileName().toString()));
        Path old = Files.isSymbolicLink(mount.resolve("..data")) ? mount.resolve(Files.readSymbolicLink(mount.resolve("..data"))) : null;
        Files.move(tmp, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        for (String key : files.keySet()) {
            Path link = mount.resolve(key);
            if (!Files.isSymbolicLink(link)) {
                Files.createSymbolicLink(link, Path.of("..data", key));
            }
        }
        if (old != null) {
            try (var s = Files.list(old)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(old);
        }
    }

    @Test
    void configMapUpdatesAreAppliedAndAFailedFileDoesNotStopTheWatch() throws Exception {
        ConnectionSpec spec = TestPostgres.shared().createDatabase("watch");
        publish(Map.of("app_001_create.sql", "CREATE TABLE items (id int PRIMARY KEY);\n",
                "R__view.sql", "CREATE OR REPLACE VIEW item_ids AS SELECT id FROM items;\n"));
        List<ApplyResult> results = new CopyOnWriteArrayList<>();
        List<PgWardenException> errors = new CopyOnWriteArrayList<>();
        StopSignal stop = StopSignal.manual();
        MigrateWatchAgent watch = new MigrateWatchAgent(MigrateFixture.settings(spec, mount), Duration.ofMillis(200),
                Clock.SYSTEM, results::add, errors::add);
        Thread t = new Thread(() -> {
            try {
                watch.run(stop);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "migrate-watch");
        t.start();
        try {
            String history = "SELECT script || ':' || success FROM pgwarden_schema_history ORDER BY installed_rank";
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> assertThat(column(spec, history))
                    .containsExactly("app/001_create.sql:true", "R__view.sql:true"));

            publish(Map.of("app_001_create.sql", "CREATE TABLE items (id int PRIMARY KEY);\n",
                    "app_002_more.sql", "ALTER TABLE items ADD COLUMN name text;\n",
                    "app_003_bad.sql", "SELECT * FROM no_such_table;\n",
                    "R__view.sql", "CREATE OR REPLACE VIEW item_ids AS SELECT id FROM items;\n"));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> assertThat(column(spec, history))
                    .containsExactly("app/001_create.sql:true", "R__view.sql:true", "app/002_more.sql:true",
                            "app/003_bad.sql:false"));
            // The row is committed before the watch thread hands its result over: wait for the hand-over too.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(results).anySatisfy(r ->
                    assertThat(r.failures()).extracting(MigrationFailure::script).containsExactly("app/003_bad.sql")));

            publish(Map.of("app_001_create.sql", "CREATE TABLE items (id int PRIMARY KEY);\n",
                    "app_002_more.sql", "ALTER TABLE items ADD COLUMN name text;\n",
                    "app_003_bad.sql", "CREATE INDEX items_name ON items (name);\n",
                    "R__view.sql", "CREATE OR REPLACE VIEW item_ids AS SELECT id, name FROM items;\n"));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> assertThat(column(spec, history))
                    .containsExactly("app/001_create.sql:true", "R__view.sql:true", "app/002_more.sql:true",
                            "app/003_bad.sql:true", "R__view.sql:true"));
            assertThat(column(spec, "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute"
                    + " WHERE attrelid = 'item_ids'::regclass")).containsExactly("id,name");
            assertThat(t.isAlive()).isTrue();
        } finally {
            stop.request("end of test");
            t.join(Duration.ofSeconds(60).toMillis());
        }
        assertThat(t.isAlive()).isFalse();
    }
}

package io.pgwarden.migrate;

import static io.pgwarden.migrate.MigrateFixture.cli;
import static io.pgwarden.migrate.MigrateFixture.url;
import static io.pgwarden.migrate.MigrateFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.testing.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code migrate apply} pointed at a streaming replica says so and names the primary, for a missing and an existing database. */
class MigrateReplicaIT {
    @TempDir
    Path dir;

    @Test
    void applyAgainstAReplicaPointsAtThePrimary() throws Exception {
        write(dir, "V1__a.sql", "CREATE TABLE a (id int);\n");
        try (TestCluster cluster = TestCluster.start(1)) {
            TestCluster.Node replica = cluster.node(1);
            String expected = " is a read-only replica (in recovery), and migrations run on the primary only. Point --url /"
                    + " DATABASE_URL at the primary ('pgwarden status --url ...' shows a node's role); nothing was changed.";

            ConnectionSpec missing = replica.spec().withDatabase("shop_missing");
            var created = cli("migrate", "apply", "--url", url(missing), "--dir", dir.toString());
            assertThat(created.exitCode()).isEqualTo(1);
            assertThat(created.err()).isEqualTo("error: Cannot migrate " + missing.display() + ": " + missing.address()
                    + expected + System.lineSeparator()).doesNotContain("CREATEDB");

            cluster.node(0).execute("CREATE DATABASE shop_both");
            await().atMost(Duration.ofSeconds(60)).until(() -> "1".equals(replica.query(
                    "SELECT count(*) FROM pg_database WHERE datname = 'shop_both'")));
            ConnectionSpec existing = replica.spec().withDatabase("shop_both");
            var applied = cli("migrate", "apply", "--url", url(existing), "--dir", dir.toString());
            assertThat(applied.exitCode()).isEqualTo(1);
            assertThat(applied.err()).isEqualTo("error: Cannot migrate " + existing.display() + ": " + existing.address()
                    + expected + System.lineSeparator());
            assertThat(MigrateFixture.column(cluster.node(0).spec().withDatabase("shop_both"),
                    "SELECT count(*) FROM pg_tables WHERE tablename = 'pgwarden_schema_history'")).containsExactly("0");
        }
    }
}

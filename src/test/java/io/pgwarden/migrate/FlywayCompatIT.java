package io.pgwarden.migrate;

import static io.pgwarden.migrate.MigrateFixture.cli;
import static io.pgwarden.migrate.MigrateFixture.column;
import static io.pgwarden.migrate.MigrateFixture.url;
import static io.pgwarden.migrate.MigrateFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.testing.TestPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flyway itself (from Maven Central) and pgwarden on the same migration sets, on a real PostgreSQL 15: the same schema
 * on a fresh database, and on the database Flyway migrated pgwarden adopts Flyway's history (apply changes nothing,
 * validate passes, an edited file is caught by Flyway's checksum, a failed Flyway row is reported failed).
 */
class FlywayCompatIT {
    private final TestPostgres pg = TestPostgres.shared();

    @TempDir
    Path dir;

    /** Custom schema, placeholders (the user's and built-ins), a file with its own BEGIN/COMMIT and a DO block, repeatables. */
    private void fullSet() throws IOException {
        write(dir, "V1__init.sql", """
                -- owner: ${owner} (placeholders in comments are left alone by pgwarden)
                CREATE TABLE ${flyway:defaultSchema}.customer (id bigserial PRIMARY KEY, name text NOT NULL,
                    created_by text DEFAULT '${owner}');
                CREATE SEQUENCE invoice_no START 1000;
                DO $$ BEGIN
                  IF current_database() <> '${flyway:database}' OR current_user <> '${flyway:user}' THEN
                    RAISE EXCEPTION 'built-in placeholders are wrong';
                  END IF;
                END $$;
                """);
        write(dir, "V2__own_transactions.sql", """
                BEGIN;
                CREATE TABLE invoice (id bigint PRIMARY KEY DEFAULT nextval('invoice_no'), customer bigint REFERENCES customer);
                DO $body$
                BEGIN
                  EXECUTE 'COMMENT ON TABLE invoice IS ''' || 'billing; begin; commit' || '''';
                END
                $body$;
                COMMIT;
                START TRANSACTION;
                ALTER TABLE customer ADD COLUMN email text;
                COMMIT;
                """);
        write(dir, "V3__function.sql", """
                CREATE FUNCTION customer_count() RETURNS bigint LANGUAGE plpgsql AS $$
                BEGIN
                  RETURN (SELECT count(*) FROM customer);
                END;
                $$;
                """);
        // Flyway records a repeatable's checksum with its placeholders replaced (comments included)
        write(dir, "R__views.sql", "-- for ${owner}\nCREATE OR REPLACE VIEW customer_names AS SELECT name, '${owner}'::text"
                + " AS owner FROM customer;\n");
    }

    private Flyway flyway(ConnectionSpec spec, String schema, Map<String, String> placeholders) {
        return Flyway.configure()
                .dataSource("jdbc:postgresql://" + spec.host() + ":" + spec.port() + "/" + spec.database(), spec.user(), "")
                .locations("filesystem:" + dir).schemas(schema).defaultSchema(schema)
                .placeholders(placeholders).load();
    }

    @Test
    void sameSchemaAsFlywayAndFlywayHistoryIsAdopted() throws Exception {
        fullSet();
        ConnectionSpec byFlyway = pg.createDatabase("fw_full");
        ConnectionSpec byPgwarden = pg.createDatabase("pw_full");

        flyway(byFlyway, "app", Map.of("owner", "alice")).migrate();
        var apply = cli("migrate", "apply", "--url", url(byPgwarden), "--dir", dir.toString(), "--schema", "app",
                "--placeholder", "owner=alice");
        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("applied V2__own_transactions.sql (")
                .contains("as written (its own BEGIN/COMMIT), not atomic as a whole")
                .contains("Applied 4 migrations, 0 failed, 0 already applied.");
        assertThat(schema(byPgwarden)).isEqualTo(schema(byFlyway)).contains("CREATE TABLE app.invoice")
                .contains("'alice'::text");
        assertThat(column(byPgwarden, "SELECT obj_description('app.invoice'::regclass)"))
                .containsExactly("billing; begin; commit");

        // the database Flyway migrated: pgwarden reads Flyway's history and changes nothing
        String before = schema(byFlyway);
        var validate = cli("migrate", "validate", "--url", url(byFlyway), "--dir", dir.toString(), "--schema", "app",
                "--placeholder", "owner=alice");
        assertThat(validate.exitCode()).as(validate.out() + validate.err()).isZero();
        var adopt = cli("migrate", "apply", "--url", url(byFlyway), "--dir", dir.toString(), "--schema", "app",
                "--placeholder", "owner=alice");
        assertThat(adopt.exitCode()).as(adopt.err()).isZero();
        assertThat(adopt.out()).isEqualTo("Up to date: 4 migrations already applied, nothing to do."
                + System.lineSeparator());
        assertThat(schema(byFlyway)).isEqualTo(before);
        assertThat(column(byFlyway, "SELECT script || ' ' || adopted_from FROM app.pgwarden_schema_history"
                + " ORDER BY installed_rank")).hasSize(4).allMatch(s -> s.contains(" app.flyway_schema_history rank "))
                .first().asString().startsWith("V1__init.sql ");
        assertThat(column(byFlyway, "SELECT count(*) FROM app.flyway_schema_history")).as("Flyway's table untouched")
                .containsExactly("5"); // Flyway's schema-creation marker and the four files
        var again = cli("migrate", "apply", "--url", url(byFlyway), "--dir", dir.toString(), "--schema", "app",
                "--placeholder", "owner=alice");
        assertThat(again.out()).isEqualTo("Up to date: 4 migrations already applied, nothing to do." + System.lineSeparator());
        var info = cli("migrate", "info", "--url", url(byFlyway), "--dir", dir.toString(), "--schema", "app",
                "--placeholder", "owner=alice");
        assertThat(info.out()).containsPattern("\\(root\\)\\s+2\\s+own transactions\\s+applied")
                .containsPattern("\\(root\\)\\s+R\\s+views\\s+applied");
        assertThat(cli("migrate", "info", "--format", "json", "--url", url(byFlyway), "--dir", dir.toString(),
                "--schema", "app").out()).contains("\"adoptedFrom\" : \"app.flyway_schema_history rank 2\"");
        // Flyway keeps running on its own table too: nothing pending for it either
        assertThat(flyway(byFlyway, "app", Map.of("owner", "alice")).info().pending()).isEmpty();

        // an adopted file edited later is caught by Flyway's checksum
        Files.writeString(dir.resolve("V3__function.sql"), Files.readString(dir.resolve("V3__function.sql"))
                .replace("count(*)", "count(id)"));
        var changed = cli("migrate", "validate", "--url", url(byFlyway), "--dir", dir.toString(), "--schema", "app");
        assertThat(changed.exitCode()).isEqualTo(6);
        assertThat(changed.err()).contains("V3__function.sql was changed after it was applied");
        // and a later file applies as usual
        Files.writeString(dir.resolve("V3__function.sql"), Files.readString(dir.resolve("V3__function.sql"))
                .replace("count(id)", "count(*)"));
        write(dir, "V4__later.sql", "ALTER TABLE customer ADD COLUMN phone text;\n");
        var later = cli("migrate", "apply", "--url", url(byFlyway), "--dir", dir.toString(), "--schema", "app",
                "--placeholder", "owner=alice");
        assertThat(later.out()).contains("applied V4__later.sql").contains("Applied 1 migration, 0 failed, 4 already applied.");
    }

    @Test
    void flywayChecksumsAreComputedAsFlywayDoes() throws Exception {
        write(dir, "V1__crlf.sql", "\uFEFFCREATE TABLE a (id int);\r\n-- é ü 日本\r\nCREATE TABLE b (id int);\r\r\n");
        write(dir, "V2__lf.sql", "CREATE TABLE c (id int);\n\n\nSELECT 1;");
        ConnectionSpec spec = pg.createDatabase("fw_checksum");
        flyway(spec, "public", Map.of()).migrate();
        List<String> recorded = column(spec, "SELECT checksum FROM flyway_schema_history ORDER BY installed_rank");
        assertThat(recorded).containsExactly(
                String.valueOf(Checksums.flywayOf(Files.readAllBytes(dir.resolve("V1__crlf.sql")))),
                String.valueOf(Checksums.flywayOf(Files.readAllBytes(dir.resolve("V2__lf.sql")))));
        assertThat(cli("migrate", "validate", "--url", url(spec), "--dir", dir.toString()).exitCode()).isZero();
    }

    @Test
    void baselineMigrationsFollowFlywaysRule() throws Exception {
        write(dir, "V1__a.sql", "CREATE TABLE a (id int);\n");
        write(dir, "V2__b.sql", "CREATE TABLE b (id int);\n");
        write(dir, "B2__baseline.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int, from_baseline boolean);\n");
        write(dir, "V3__c.sql", "CREATE TABLE c (id int);\n");
        ConnectionSpec byFlyway = pg.createDatabase("fw_baseline");
        ConnectionSpec byPgwarden = pg.createDatabase("pw_baseline");
        boolean flywayRan;
        try {
            flyway(byFlyway, "public", Map.of()).migrate();
            flywayRan = true;
        } catch (FlywayException e) {
            flywayRan = false; // an edition of Flyway without baseline migrations
        }
        var plan = cli("migrate", "plan", "--url", url(byPgwarden), "--dir", dir.toString());
        assertThat(plan.out()).contains("1. B2__baseline.sql").contains("2. V3__c.sql")
                .contains("read as Flyway baseline B<version>__: runs instead of the versioned files up to v2")
                .doesNotContain("V1__a.sql");
        var apply = cli("migrate", "apply", "--url", url(byPgwarden), "--dir", dir.toString());
        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("applied B2__baseline.sql").contains("applied V3__c.sql")
                .doesNotContain("V1__a.sql");
        assertThat(column(byPgwarden, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'from_baseline'"))
                .containsExactly("1");
        if (flywayRan) {
            assertThat(schema(byPgwarden)).isEqualTo(schema(byFlyway));
            assertThat(cli("migrate", "apply", "--url", url(byFlyway), "--dir", dir.toString()).out())
                    .startsWith("Up to date: ");
        }
        // once history exists, a baseline added later is not used
        ConnectionSpec history = pg.createDatabase("pw_history");
        Files.move(dir.resolve("B2__baseline.sql"), dir.resolve("B2__baseline.sql.off"));
        assertThat(cli("migrate", "apply", "--url", url(history), "--dir", dir.toString()).exitCode()).isZero();
        Files.move(dir.resolve("B2__baseline.sql.off"), dir.resolve("B2__baseline.sql"));
        write(dir, "V4__d.sql", "CREATE TABLE d (id int);\n");
        var later = cli("migrate", "apply", "--url", url(history), "--dir", dir.toString());
        assertThat(later.out()).contains("applied V4__d.sql").doesNotContain("B2__baseline.sql");
        assertThat(cli("migrate", "info", "--url", url(history), "--dir", dir.toString()).out())
                .containsPattern("2\\s+baseline\\s+not used");
    }

    @Test
    void aMigrationFlywayRecordedAsFailedIsReportedFailed() throws Exception {
        write(dir, "V1__ok.sql", "CREATE TABLE t (a int);\n");
        write(dir, "V2__bad_index.sql", "CREATE INDEX CONCURRENTLY t_b ON t (missing_column);\n");
        ConnectionSpec spec = pg.createDatabase("fw_failed");
        try {
            flyway(spec, "public", Map.of()).migrate();
        } catch (FlywayException expected) {
            // V2 fails outside a transaction
        }
        // Flyway 13 on PostgreSQL loses its own failed row here (its outer transaction rolls it back); older Flyway
        // releases, and Flyway on other paths, keep one. Write the row Flyway writes (DbMigrate: success false).
        if (column(spec, "SELECT count(*) FROM flyway_schema_history WHERE version = '2'").equals(List.of("0"))) {
            MigrateFixture.execute(spec, "INSERT INTO flyway_schema_history (installed_rank, version, description, type,"
                    + " script, checksum, installed_by, execution_time, success) VALUES (2, '2', 'bad index', 'SQL',"
                    + " 'V2__bad_index.sql', " + Checksums.flywayOf(Files.readAllBytes(dir.resolve("V2__bad_index.sql")))
                    + ", 'postgres', 12, false)");
        }
        assertThat(column(spec, "SELECT version || ' ' || success FROM flyway_schema_history ORDER BY installed_rank"))
                .containsExactly("1 true", "2 false");
        var validate = cli("migrate", "validate", "--url", url(spec), "--dir", dir.toString());
        assertThat(validate.exitCode()).isEqualTo(6);
        assertThat(validate.err()).contains("V2__bad_index.sql: failed in Flyway (Flyway: \"Detected failed migration"
                + " to version 2 (bad index). Please remove any half-completed changes then run repair to fix the schema"
                + " history.\"). Adopted from public.flyway_schema_history rank 2: remove any half-completed changes,"
                + " then run 'pgwarden migrate repair'");
        var info = cli("migrate", "info", "--url", url(spec), "--dir", dir.toString());
        assertThat(info.out()).containsPattern("2\\s+bad index\\s+failed");
    }

    /** {@code pg_dump --schema-only} without the history tables, pg_dump's header and its random \restrict key. */
    static String schema(ConnectionSpec spec) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(TestPostgres.DEBIAN_15.resolve("pg_dump").toString(), "--schema-only",
                "--no-owner", "--no-privileges", "-h", spec.host(), "-p", String.valueOf(spec.port()), "-U", spec.user(),
                "--exclude-table=*.flyway_schema_history", "--exclude-table=*.pgwarden_schema_history",
                "--exclude-table=*.pgwarden_schema_history_installed_rank_seq", spec.database()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict")
                && !l.startsWith("-- Dumped")).collect(Collectors.joining("\n"));
    }
}

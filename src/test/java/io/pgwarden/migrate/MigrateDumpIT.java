package io.pgwarden.migrate;

import static io.pgwarden.migrate.MigrateFixture.cli;
import static io.pgwarden.migrate.MigrateFixture.column;
import static io.pgwarden.migrate.MigrateFixture.url;
import static io.pgwarden.migrate.MigrateFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.testing.TestPostgres;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by pg_dump and by hand for psql, applied unchanged: COPY ... FROM STDIN data, pg_dump's session
 * settings and \restrict lines, files with their own BEGIN/COMMIT, a big seed in a small heap.
 */
class MigrateDumpIT {
    private final TestPostgres pg = TestPostgres.shared();

    @TempDir
    Path dir;

    @TempDir
    Path work;

    @Test
    void aPgDumpPlainDumpAsBaselineGivesWhatPsqlRestores() throws Exception {
        ConnectionSpec source = pg.createDatabase("dump_source");
        MigrateFixture.execute(source, """
                CREATE SCHEMA shop;
                CREATE TABLE shop.customer (id bigserial PRIMARY KEY, name text NOT NULL, note text, born date);
                CREATE SEQUENCE shop.order_no START 500 INCREMENT 5;
                CREATE TABLE shop.orders (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    no bigint NOT NULL DEFAULT nextval('shop.order_no'), customer bigint REFERENCES shop.customer,
                    total numeric(12,2), tags text[], data jsonb);
                CREATE INDEX orders_customer ON shop.orders (customer);
                CREATE TABLE public.plain (k text PRIMARY KEY, v bytea);
                CREATE VIEW shop.big_orders AS SELECT o.id, c.name FROM shop.orders o JOIN shop.customer c ON c.id = o.customer
                    WHERE o.total > 100;
                CREATE FUNCTION shop.total_of(c bigint) RETURNS numeric LANGUAGE plpgsql STABLE AS $$
                BEGIN
                  RETURN (SELECT coalesce(sum(total), 0) FROM shop.orders WHERE customer = c); -- ; inside
                END;
                $$;
                CREATE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN NEW.note := 'touched;'; RETURN NEW; END $f$;
                CREATE TRIGGER customer_touch BEFORE UPDATE ON shop.customer FOR EACH ROW EXECUTE FUNCTION shop.touch();
                INSERT INTO shop.customer (name, note, born) SELECT 'customer ' || i,
                    CASE WHEN i % 7 = 0 THEN NULL WHEN i % 5 = 0 THEN E'tab\\there\\nnew line \\\\ back; semi' ELSE 'é ü 日本 ' || i END,
                    date '1970-01-01' + i FROM generate_series(1, 3000) i;
                INSERT INTO shop.orders (customer, total, tags, data) SELECT 1 + i % 3000, (i * 1.37)::numeric(12,2),
                    ARRAY['a', 'b;' || i], jsonb_build_object('i', i, 'q', E'x\\\\.y') FROM generate_series(1, 5000) i;
                INSERT INTO public.plain VALUES ('\\.', '\\x00ff'), ('k2', NULL);
                """);
        Path dump = dir.resolve("V1__baseline.sql");
        run(List.of(bin("pg_dump"), "-h", source.host(), "-p", String.valueOf(source.port()), "-U", source.user(),
                "-f", dump.toString(), source.database()));
        assertThat(Files.readString(dump)).contains("COPY shop.orders (id, no, customer, total, tags, data) FROM stdin;")
                .contains("SELECT pg_catalog.set_config('search_path', '', false);");
        write(dir, "V2__after.sql", "CREATE TABLE after_dump (id int);\n"); // runs with the search_path as before the dump

        ConnectionSpec byPsql = pg.createDatabase("dump_psql");
        run(List.of(bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", byPsql.host(), "-p",
                String.valueOf(byPsql.port()), "-U", byPsql.user(), "-d", byPsql.database(), "-f", dump.toString()));
        MigrateFixture.execute(byPsql, "CREATE TABLE after_dump (id int)");
        ConnectionSpec byPgwarden = pg.createDatabase("dump_pgwarden");
        var apply = cli("migrate", "apply", "--url", url(byPgwarden), "--dir", dir.toString());

        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("applied V1__baseline.sql (").contains("applied V2__after.sql (");
        assertThat(FlywayCompatIT.schema(byPgwarden)).isEqualTo(FlywayCompatIT.schema(byPsql));
        for (String table : List.of("shop.customer", "shop.orders", "public.plain", "public.after_dump")) {
            String digest = "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "
                    + table + " t";
            assertThat(column(byPgwarden, digest)).as(table).isEqualTo(column(byPsql, digest));
        }
        assertThat(column(byPgwarden, "SELECT count(*) FROM shop.orders")).containsExactly("5000");
        for (String seq : List.of("shop.order_no", "shop.customer_id_seq", "shop.orders_id_seq")) {
            String state = "SELECT last_value || ' ' || is_called FROM " + seq;
            assertThat(column(byPgwarden, state)).as(seq).isEqualTo(column(byPsql, state));
        }
    }

    @Test
    void aFileWithItsOwnTransactionsRunsAsWrittenAndAFailureSaysWhatStayedCommitted() throws Exception {
        write(dir, "V1__own.sql", """
                CREATE TABLE kept (id int);
                BEGIN;
                INSERT INTO kept VALUES (1);
                INSERT INTO missing VALUES (1);
                COMMIT;
                """);
        ConnectionSpec spec = pg.createDatabase("own_tx");
        var plan = cli("migrate", "plan", "--url", url(spec), "--dir", dir.toString());
        assertThat(plan.out()).contains("V1__own.sql").contains("as written (its own BEGIN at line 2), not atomic as a whole");

        var apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());

        assertThat(apply.exitCode()).isEqualTo(5);
        assertThat(apply.err()).isEqualTo("error: Migration V1__own.sql failed at line 4 (SQLSTATE 42P01: relation"
                + " \"missing\" does not exist); it runs as written with its own transaction control (BEGIN at line 2),"
                + " so it is not atomic as a whole: the statements before line 2 stayed committed, and its transaction"
                + " block begun at line 2 was rolled back; later migrations of chain (root) were not applied. Fix the"
                + " file (make it safe to re-run over what stayed committed), then run 'pgwarden migrate repair' and"
                + " apply again (or 'pgwarden migrate apply --retry-failed')." + System.lineSeparator());
        assertThat(column(spec, "SELECT count(*) FROM kept")).containsExactly("0");

        write(dir, "V1__own.sql", """
                CREATE TABLE IF NOT EXISTS kept (id int);
                BEGIN;
                INSERT INTO kept VALUES (1);
                COMMIT;
                INSERT INTO kept VALUES (2);
                INSERT INTO still_missing VALUES (1);
                """);
        var retry = cli("migrate", "apply", "--retry-failed", "--url", url(spec), "--dir", dir.toString());
        assertThat(retry.err()).contains("failed at line 6 (SQLSTATE 42P01: relation \"still_missing\" does not exist);"
                + " it runs as written with its own transaction control (BEGIN at line 2), so it is not atomic as a"
                + " whole: the 5 statements before line 6 stayed committed;");
        assertThat(column(spec, "SELECT id FROM kept ORDER BY id")).containsExactly("1", "2");

        write(dir, "V1__own.sql", """
                CREATE TABLE IF NOT EXISTS kept (id int);
                START TRANSACTION;
                DO $$ BEGIN INSERT INTO kept VALUES (3); COMMIT; END $$;
                INSERT INTO kept VALUES (4);
                COMMIT;
                """);
        var fixed = cli("migrate", "apply", "--retry-failed", "--url", url(spec), "--dir", dir.toString());
        assertThat(fixed.exitCode()).as(fixed.err()).isEqualTo(5); // COMMIT inside DO in a transaction block: PostgreSQL refuses
        write(dir, "V1__own.sql", """
                CREATE TABLE IF NOT EXISTS kept (id int);
                START TRANSACTION;
                DO $$ BEGIN INSERT INTO kept VALUES (3); END $$;
                INSERT INTO kept VALUES (4);
                COMMIT;
                """);
        var ok = cli("migrate", "apply", "--retry-failed", "--url", url(spec), "--dir", dir.toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("applied V1__own.sql (").contains("as written (its own BEGIN/COMMIT), not atomic as a whole");
        assertThat(column(spec, "SELECT id FROM kept ORDER BY id")).containsExactly("1", "2", "3", "4");
        assertThat(column(spec, "SELECT success FROM pgwarden_schema_history")).containsExactly("t");
    }

    @Test
    void aBadCopyRowNamesItsLineAndTheFileStaysTransactional() throws Exception {
        write(dir, "V1__seed.sql", "CREATE TABLE t (a int, b text);\nCOPY t (a, b) FROM stdin;\n1\tone\n2\ttwo\nthree\t3\n\\.\n");
        ConnectionSpec spec = pg.createDatabase("copy_bad");
        var apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());
        assertThat(apply.exitCode()).isEqualTo(5);
        assertThat(apply.err()).startsWith("error: Migration V1__seed.sql failed at line 5 (SQLSTATE 22P02: invalid input"
                + " syntax for type integer: \"three\" (COPY data row 3)); its transaction was rolled back");
        assertThat(column(spec, "SELECT to_regclass('t') IS NULL")).containsExactly("t");
    }

    @Test
    void aTwentyMegabyteSeedAppliesInAThirtyTwoMegabyteHeap() throws Exception {
        Path seed = dir.resolve("V1__seed.sql");
        try (BufferedWriter w = Files.newBufferedWriter(seed, StandardCharsets.UTF_8)) {
            w.write("CREATE TABLE seed (id int PRIMARY KEY, name text, payload text);\n");
            for (int block = 0; block < 4; block++) {
                w.write("COPY seed (id, name, payload) FROM stdin;\n");
                for (int i = block * 50_000; i < (block + 1) * 50_000; i++) {
                    w.write(i + "\tname " + i + "\t" + "x".repeat(80) + i + "\n");
                }
                w.write("\\.\n");
            }
            w.write("INSERT INTO seed VALUES (-1, 'after the data', NULL);\n");
        }
        assertThat(Files.size(seed)).isGreaterThan(20_000_000L);
        ConnectionSpec spec = pg.createDatabase("big_seed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx32m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), "io.pgwarden.cli.Main", "migrate", "apply", "--url", url(spec),
                "--dir", dir.toString()).redirectErrorStream(true).redirectOutput(work.resolve("out.txt").toFile()).start();
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(work.resolve("out.txt"));
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).contains("applied V1__seed.sql (").doesNotContain("OutOfMemoryError");
        assertThat(column(spec, "SELECT count(*) FROM seed")).containsExactly("200001");
        assertThat(column(spec, "SELECT checksum FROM pgwarden_schema_history"))
                .containsExactly(String.valueOf(Checksums.of(seed)));
    }

    private static String bin(String tool) {
        return TestPostgres.DEBIAN_15.resolve(tool).toString();
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }
}

package io.pgwarden.migrate;

import static io.pgwarden.migrate.MigrateFixture.cli;
import static io.pgwarden.migrate.MigrateFixture.column;
import static io.pgwarden.migrate.MigrateFixture.url;
import static io.pgwarden.migrate.MigrateFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.Clock;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.testing.TestPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apply, info, validate and repair on a real PostgreSQL 15, one fresh database per test. */
class MigrateApplyIT {
    private final TestPostgres pg = TestPostgres.shared();

    @TempDir
    Path dir;

    private void standardSet() throws Exception {
        write(dir, "V1__create_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n"
                + "INSERT INTO users VALUES (1, 'a;b'), (2, $$c;d$$);\n");
        write(dir, "V2__index.sql", "-- must run outside a transaction\nCREATE INDEX CONCURRENTLY users_name_idx ON users (name);\n");
        write(dir, "V10__orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n");
        write(dir, "R__views.sql", "CREATE OR REPLACE VIEW user_names AS SELECT name FROM users;\n");
        write(dir, "gcp/001_create_schema.sql", "CREATE SCHEMA gcp;\n");
    }

    @Test
    void freshApplyCreatesTheDatabaseAndARerunIsANoOp() throws Exception {
        standardSet();
        ConnectionSpec spec = pg.spec().withDatabase("created_by_apply_" + Long.toHexString(System.nanoTime()));
        java.nio.file.Path serverLog = pg.baseDir().resolve("server.log");
        long logOffset = java.nio.file.Files.size(serverLog);

        var before = cli("migrate", "validate", "--url", url(spec), "--dir", dir.toString());
        assertThat(before.exitCode()).isEqualTo(6);
        assertThat(before.out()).isEmpty();
        assertThat(before.err()).isEqualTo("error: The database " + spec.database() + " on " + spec.address()
                + " does not exist yet, so none of the 5 migrations in " + dir + " was applied there. Run 'pgwarden"
                + " migrate apply' (it creates the database), or check --url / DATABASE_URL." + System.lineSeparator());

        var first = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("applied V2__index.sql (").contains("outside a transaction")
                .contains("Applied 5 migrations, 0 failed, 0 already applied.");
        assertThat(column(spec, "SELECT script FROM pgwarden_schema_history WHERE success ORDER BY installed_rank"))
                .containsExactly("V1__create_users.sql", "V2__index.sql", "V10__orders.sql",
                        "gcp/001_create_schema.sql", "R__views.sql");
        assertThat(column(spec, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_name_idx'::regclass"))
                .containsExactly("t");
        assertThat(column(spec, "SELECT name FROM user_names ORDER BY 1")).containsExactly("a;b", "c;d");

        var second = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).isEqualTo("Up to date: 5 migrations already applied, nothing to do." + System.lineSeparator());
        assertThat(column(spec, "SELECT count(*) FROM pgwarden_schema_history")).containsExactly("5");
        var json = cli("migrate", "info", "--format", "json", "--url", url(spec), "--dir", dir.toString());
        assertThat(json.exitCode()).isZero();
        assertThat(json.out()).contains("\"script\" : \"V2__index.sql\"").contains("\"state\" : \"applied\"")
                .contains("\"group\" : \"gcp\"").contains("\"pending\" : 0").doesNotContain("\"state\" : \"pending\"");

        write(dir, "R__views.sql", "CREATE OR REPLACE VIEW user_names AS SELECT name, id FROM users;\n");
        write(dir, "V11__o'brien_more.sql", "ALTER TABLE orders ADD COLUMN total numeric;\n");
        var info = cli("migrate", "info", "--url", url(spec), "--dir", dir.toString());
        assertThat(info.out()).containsPattern("\\(root\\)\\s+11\\s+o'brien more\\s+pending")
                .containsPattern("\\(root\\)\\s+R\\s+views\\s+pending")
                .containsPattern("gcp\\s+001\\s+create schema\\s+applied");
        var third = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());
        assertThat(third.out()).contains("applied V11__o'brien_more.sql").contains("applied R__views.sql")
                .contains("Applied 2 migrations, 0 failed, 4 already applied.");
        // pgwarden asks before it touches: a clean run leaves no FATAL (missing database) or ERROR (missing history
        // table) in the server log
        String logged;
        try (var in = java.nio.file.Files.newInputStream(serverLog)) {
            in.skipNBytes(logOffset);
            logged = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(logged.lines().filter(l -> l.contains("ERROR:") || l.contains("FATAL:")).toList()).isEmpty();
    }

    @Test
    void fourRunnersStartedAtOnceApplyEachMigrationExactlyOnce() throws Exception {
        for (int i = 1; i <= 12; i++) {
            write(dir, String.format("%03d_step.sql", i), "CREATE TABLE step_" + i + " (id int);\nSELECT pg_sleep(0.02);\n");
        }
        write(dir, "013_index.sql", "CREATE INDEX CONCURRENTLY step_1_idx ON step_1 (id);\n");
        write(dir, "aws/001_schema.sql", "CREATE SCHEMA aws;\n");
        ConnectionSpec spec = pg.createDatabase("four_runners");
        MigrationSettings settings = MigrateFixture.settings(spec, dir);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ApplyResult>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return new ApplyCommand(settings, RetryPolicy.REFUSE, false, Clock.SYSTEM).execute();
                }));
            }
            start.countDown();
            long applied = 0;
            for (Future<ApplyResult> f : results) {
                ApplyResult r = f.get(120, TimeUnit.SECONDS);
                assertThat(r.failures()).isEmpty();
                applied += r.appliedCount();
            }
            assertThat(applied).isEqualTo(14);
        } finally {
            pool.shutdownNow();
        }
        assertThat(column(spec, "SELECT script FROM pgwarden_schema_history GROUP BY script HAVING count(*) > 1")).isEmpty();
        assertThat(column(spec, "SELECT count(*) FROM pgwarden_schema_history WHERE success")).containsExactly("14");
    }

    @Test
    void aChangedAppliedFileIsCaughtByValidateAndByApply() throws Exception {
        write(dir, "V1__a.sql", "CREATE TABLE a (id int);\n");
        write(dir, "V2__b.sql", "CREATE TABLE b (id int);\n");
        ConnectionSpec spec = pg.createDatabase("changed");
        assertThat(cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString()).exitCode()).isZero();
        int recorded = Checksums.of("CREATE TABLE a (id int);\n".getBytes());
        write(dir, "V1__a.sql", "CREATE TABLE a (id bigint);\n");
        int now = Checksums.of("CREATE TABLE a (id bigint);\n".getBytes());
        write(dir, "V3__c.sql", "CREATE TABLE c (id int);\n");
        String problem = "V1__a.sql was changed after it was applied (recorded checksum " + recorded + ", file now " + now
                + "). Restore the file, or run 'pgwarden migrate repair' to accept the file as it is now (it is not run again).";

        var validate = cli("migrate", "validate", "--url", url(spec), "--dir", dir.toString());
        assertThat(validate.exitCode()).isEqualTo(6);
        assertThat(validate.err()).contains(problem);

        var apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());
        assertThat(apply.exitCode()).isEqualTo(6);
        assertThat(apply.err()).contains("does not match " + dir + "; nothing was applied:").contains(problem);
        assertThat(column(spec, "SELECT to_regclass('c') IS NULL")).containsExactly("t");

        var repair = cli("migrate", "repair", "--url", url(spec), "--dir", dir.toString());
        assertThat(repair.exitCode()).isZero();
        assertThat(repair.out()).contains("realigned the checksum of V1__a.sql from " + recorded + " to " + now);
        assertThat(cli("migrate", "validate", "--url", url(spec), "--dir", dir.toString()).out())
                .startsWith("Valid: 3 migrations in 1 chain match the history.");
        assertThat(cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString()).out()).contains("applied V3__c.sql");
    }

    @Test
    void unusableFilesLeaveAMissingDatabaseUncreated() throws Exception {
        write(dir, "V1__a.sql", "CREATE TABLE a (id int);\n");
        write(dir, "create_b.sql", "CREATE TABLE b (id int);\n");
        ConnectionSpec spec = pg.spec().withDatabase("never_created_" + Long.toHexString(System.nanoTime()));

        var apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());

        assertThat(apply.exitCode()).isEqualTo(2);
        assertThat(apply.err()).startsWith("error: Migrations in " + dir + " cannot be used (1 problem); nothing was applied:")
                .contains("create_b.sql: not a migration file name;");
        assertThat(column(pg.spec(), "SELECT count(*) FROM pg_database WHERE datname = '" + spec.database() + "'"))
                .containsExactly("0");

        ConnectionSpec existing = pg.createDatabase("unusable_files");
        assertThat(cli("migrate", "apply", "--url", url(existing), "--dir", dir.toString()).exitCode()).isEqualTo(2);
        // the connection opened while the files were read is closed (its server process ends a moment later)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(column(pg.spec(), "SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                        + existing.database() + "'")).containsExactly("0"));
    }

    @Test
    void aFileChangedInPlaceKeepingItsSizeAndTimeIsCaughtWhenNothingElseChanged() throws Exception {
        write(dir, "V1__a.sql", "CREATE TABLE a (id int);\n");
        write(dir, "R__v.sql", "CREATE OR REPLACE VIEW v AS SELECT 1 AS one;\n");
        ConnectionSpec spec = pg.createDatabase("changed_in_place");
        assertThat(cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString()).exitCode()).isZero();
        write(dir, "R__v.sql", "CREATE OR REPLACE VIEW v AS SELECT 2 AS one;\n");
        assertThat(cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString()).out())
                .contains("applied R__v.sql").contains("Applied 1 migration, 0 failed, 1 already applied.");
        assertThat(cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString()).out())
                .as("the repeatable file's second row is the one that counts")
                .isEqualTo("Up to date: 2 migrations already applied, nothing to do." + System.lineSeparator());

        Path file = dir.resolve("V1__a.sql");
        java.nio.file.attribute.FileTime modified = java.nio.file.Files.getLastModifiedTime(file);
        write(dir, "V1__a.sql", "CREATE TABLE a (id INT);\n");
        java.nio.file.Files.setLastModifiedTime(file, modified); // only the content says that the file changed
        var apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());

        assertThat(apply.exitCode()).isEqualTo(6);
        assertThat(apply.err()).contains("does not match " + dir + "; nothing was applied:").contains("V1__a.sql was"
                + " changed after it was applied (recorded checksum " + Checksums.of("CREATE TABLE a (id int);\n".getBytes())
                + ", file now " + Checksums.of("CREATE TABLE a (id INT);\n".getBytes()) + ").");
    }

    @Test
    void aFailureInTheMiddleRollsBackStopsItsChainAndLetsOtherChainsGoOn() throws Exception {
        write(dir, "V1__ok.sql", "CREATE TABLE one (id int);\n");
        write(dir, "V2__bad.sql", "CREATE TABLE two (id int);\n\nINSERT INTO missing_table\nVALUES (1);\n");
        write(dir, "V3__later.sql", "CREATE TABLE three (id int);\n");
        write(dir, "aws/001_schema.sql", "CREATE SCHEMA aws;\n");
        ConnectionSpec spec = pg.createDatabase("failure");

        var log = new java.io.ByteArrayOutputStream();
        io.pgwarden.core.log.LogSettings.redirect(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        MigrateFixture.CliRun apply;
        try {
            apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());
        } finally {
            io.pgwarden.core.log.LogSettings.redirect(System.err);
        }

        assertThat(apply.exitCode()).isEqualTo(5);
        // printed once, as the error line; not also as a log line
        assertThat(log.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("V2__bad.sql failed")
                .containsPattern("4 files read in \\d+ ms, .* 3 files run in \\d+ ms");
        assertThat(apply.err()).contains("error: Migration V2__bad.sql failed at line 3 (SQLSTATE 42P01: relation"
                + " \"missing_table\" does not exist); its transaction was rolled back, so nothing of it stayed applied;"
                + " later migrations of chain (root) were not applied. Fix the file, then run 'pgwarden migrate repair'"
                + " and apply again (or 'pgwarden migrate apply --retry-failed').");
        assertThat(column(spec, "SELECT coalesce(to_regclass('two')::text, 'none'), coalesce(to_regclass('three')::text, 'none')"))
                .containsExactly("none");
        assertThat(column(spec, "SELECT to_regclass('three') IS NULL")).containsExactly("t");
        assertThat(column(spec, "SELECT count(*) FROM pg_namespace WHERE nspname = 'aws'")).containsExactly("1");
        assertThat(column(spec, "SELECT script || ':' || success FROM pgwarden_schema_history ORDER BY installed_rank"))
                .containsExactly("V1__ok.sql:true", "V2__bad.sql:false", "aws/001_schema.sql:true");

        var again = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());
        assertThat(again.exitCode()).isEqualTo(6);
        assertThat(again.err()).contains("V2__bad.sql is recorded as failed on ").contains("(V2__bad.sql line 3: SQLSTATE 42P01:");
        // the agents' re-check (a failed file runs again once it changed) logs what is true, not "up to date"
        var recheck = new java.io.ByteArrayOutputStream();
        io.pgwarden.core.log.LogSettings.redirect(new java.io.PrintStream(recheck, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            new ApplyCommand(MigrateFixture.settings(spec, dir), RetryPolicy.RETRY_CHANGED, false, Clock.SYSTEM).execute();
        } finally {
            io.pgwarden.core.log.LogSettings.redirect(System.err);
        }
        assertThat(recheck.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("up to date")
                .containsPattern("chain \\(root\\) failed at V2__bad.sql; waiting for a change of that file \\(or 'pgwarden"
                        + " migrate repair'\\): 4 files read in \\d+ ms");

        write(dir, "V2__bad.sql", "CREATE TABLE two (id int);\n");
        var retry = cli("migrate", "apply", "--retry-failed", "--url", url(spec), "--dir", dir.toString());
        assertThat(retry.exitCode()).as(retry.err()).isZero();
        assertThat(column(spec, "SELECT script || ':' || success FROM pgwarden_schema_history ORDER BY installed_rank"))
                .containsExactly("V1__ok.sql:true", "aws/001_schema.sql:true", "V2__bad.sql:true", "V3__later.sql:true");
    }

    @Test
    void aFailureOutsideATransactionSaysWhatStayedApplied() throws Exception {
        write(dir, "V1__table.sql", "CREATE TABLE t (id int);\n");
        write(dir, "V2__indexes.sql", "CREATE INDEX CONCURRENTLY t_id ON t (id);\n\nCREATE INDEX CONCURRENTLY u_id ON nope (id);\n");
        ConnectionSpec spec = pg.createDatabase("outside");

        var apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());

        assertThat(apply.exitCode()).isEqualTo(5);
        assertThat(apply.err()).contains("error: Migration V2__indexes.sql failed at line 3 (SQLSTATE 42P01: relation"
                + " \"nope\" does not exist); it ran outside a transaction, so statements before line 3 stay applied");
        assertThat(column(spec, "SELECT to_regclass('t_id') IS NOT NULL")).containsExactly("t");
        assertThat(column(spec, "SELECT script || ':' || success FROM pgwarden_schema_history ORDER BY installed_rank"))
                .containsExactly("V1__table.sql:true", "V2__indexes.sql:false");
    }

    @Test
    void aDeferredConstraintFailingAtCommitIsReportedAsSuch() throws Exception {
        write(dir, "V1__deferred.sql", "CREATE TABLE p (id int PRIMARY KEY);\n"
                + "CREATE TABLE c (pid int REFERENCES p DEFERRABLE INITIALLY DEFERRED);\nINSERT INTO c VALUES (1);\n");
        ConnectionSpec spec = pg.createDatabase("deferred");

        var apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());

        assertThat(apply.exitCode()).isEqualTo(5);
        assertThat(apply.err()).contains("error: Migration V1__deferred.sql failed while committing (SQLSTATE 23503:"
                + " insert or update on table \"c\" violates foreign key constraint");
        assertThat(column(spec, "SELECT to_regclass('c') IS NULL")).containsExactly("t");
        assertThat(column(spec, "SELECT script || ':' || success FROM pgwarden_schema_history")).containsExactly(
                "V1__deferred.sql:false");
    }

    @Test
    void rulesDollarQuotesAndAtomicBodiesRunAsWritten() throws Exception {
        write(dir, "V1__objects.sql", """
                CREATE TABLE items (id bigint PRIMARY KEY);
                CREATE TABLE audit (id bigint);
                CREATE RULE items_audit AS ON INSERT TO items DO ALSO (INSERT INTO audit VALUES (NEW.id);
                  INSERT INTO audit VALUES (NEW.id + 1000));
                CREATE FUNCTION plus(i int) RETURNS int LANGUAGE sql
                BEGIN ATOMIC
                  SELECT i + CASE WHEN i > 0 THEN 1 ELSE 0 END;
                END;
                CREATE FUNCTION note() RETURNS text LANGUAGE plpgsql AS $body$
                BEGIN
                  RETURN 'a;b'; -- ;
                END;
                $body$;
                INSERT INTO items VALUES (plus(1));
                """);
        ConnectionSpec spec = pg.createDatabase("objects");

        var apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());

        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(column(spec, "SELECT id FROM audit ORDER BY id")).containsExactly("2", "1002");
        assertThat(column(spec, "SELECT note()")).containsExactly("a;b");
    }

    @Test
    void aFileMixingTransactionalAndNonTransactionalStatementsStopsEverythingBeforeAnythingRuns() throws Exception {
        write(dir, "V1__ok.sql", "CREATE TABLE ok (id int);\n");
        write(dir, "V2__mixed.sql", "alter table users add column name text;\nCREATE INDEX CONCURRENTLY mixed_idx ON mixed (id);\n");
        ConnectionSpec spec = pg.createDatabase("mixed");

        var apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());

        assertThat(apply.exitCode()).isEqualTo(2);
        String mixed = "Migration V2__mixed.sql mixes a statement that cannot run inside a transaction (line 2: CREATE"
                + " INDEX CONCURRENTLY) with statements that must run in one (line 1: alter table users add column name"
                + " text), so it could be neither atomic nor run as one transaction; ";
        String move = ". Move the CREATE INDEX CONCURRENTLY statement into a migration file of its own.";
        assertThat(apply.err()).isEqualTo("error: " + mixed + "nothing was applied" + move + System.lineSeparator());
        var plan = cli("migrate", "plan", "--url", url(spec), "--dir", dir.toString());
        assertThat(plan.exitCode()).isEqualTo(2);
        assertThat(plan.err()).isEqualTo("error: " + mixed + "plan stops here (apply would refuse too)" + move
                + System.lineSeparator());
        assertThat(column(spec, "SELECT to_regclass('pgwarden_schema_history') IS NULL")).containsExactly("t");
        assertThat(column(spec, "SELECT to_regclass('ok') IS NULL")).containsExactly("t");
    }

    @Test
    void aFileRefusedWhenParsedCreatesNoMissingDatabase() throws Exception {
        write(dir, "V1__ok.sql", "CREATE TABLE ok (id int);\n");
        write(dir, "V2__placeholder.sql", "CREATE TABLE t (owner text DEFAULT '${owner}');\n");
        write(dir, "V3__mixed.sql", "CREATE TABLE m (id int);\nCREATE INDEX CONCURRENTLY m_idx ON m (id);\n");
        ConnectionSpec spec = pg.spec().withDatabase("refused_" + Long.toHexString(System.nanoTime()));

        var apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());

        assertThat(apply.exitCode()).isEqualTo(2);
        assertThat(apply.err()).isEqualTo("error: Migration V2__placeholder.sql line 1: placeholder ${owner} has no"
                + " value (no --placeholder was given). Give it one with --placeholder owner=VALUE (or"
                + " MIGRATE_PLACEHOLDERS=owner=VALUE,...), or turn replacement off with --no-placeholders; nothing was"
                + " applied." + System.lineSeparator());
        assertThat(column(pg.spec(), "SELECT count(*) FROM pg_database WHERE datname = '" + spec.database() + "'"))
                .containsExactly("0");

        write(dir, "V2__placeholder.sql", "CREATE TABLE t (id int);\n");
        var mixed = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());

        assertThat(mixed.exitCode()).isEqualTo(2);
        assertThat(mixed.err()).startsWith("error: Migration V3__mixed.sql mixes a statement that cannot run inside a"
                + " transaction (line 2: CREATE INDEX CONCURRENTLY) with statements that must run in one (line 1:");
        assertThat(column(pg.spec(), "SELECT count(*) FROM pg_database WHERE datname = '" + spec.database() + "'"))
                .containsExactly("0");

        write(dir, "V3__mixed.sql", "CREATE INDEX CONCURRENTLY m_idx ON t (id);\n");
        var fixed = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());

        assertThat(fixed.exitCode()).as(fixed.err()).isZero();
        assertThat(fixed.out()).contains("Applied 3 migrations, 0 failed, 0 already applied.");
        assertThat(column(spec, "SELECT script FROM pgwarden_schema_history WHERE success ORDER BY installed_rank"))
                .containsExactly("V1__ok.sql", "V2__placeholder.sql", "V3__mixed.sql");
    }

    @Test
    void aLockHeldByAnotherSessionIsReportedAndGoesAwayWithIt() throws Exception {
        write(dir, "V1__a.sql", "CREATE TABLE a (id int);\n");
        ConnectionSpec spec = pg.createDatabase("locked");
        try (var holder = io.pgwarden.pg.PgConnections.open(spec.withApplicationName("other runner"));
             var st = holder.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + MigrationLock.KEY + ")");
            var rs = st.executeQuery("SELECT pg_backend_pid()");
            rs.next();
            int pid = rs.getInt(1);

            var blocked = cli("migrate", "apply", "--lock-timeout", "1s", "--url", url(spec), "--dir", dir.toString());

            assertThat(blocked.exitCode()).isEqualTo(7);
            assertThat(blocked.err()).contains("Timed out after 1s waiting for the migration lock on database "
                    + spec.database() + ": it is held by pid " + pid + " (application 'other runner', client 127.0.0.1,"
                    + " session started ").contains("If that runner is stuck, end its session with SELECT"
                    + " pg_terminate_backend(" + pid + "); the lock goes with it.");
        }
        var after = cli("migrate", "apply", "--lock-timeout", "30s", "--url", url(spec), "--dir", dir.toString());
        assertThat(after.exitCode()).as(after.err()).isZero();
        assertThat(after.out()).contains("applied V1__a.sql");
    }

    @Test
    void baselineMarksAnExistingSchemaAsApplied() throws Exception {
        write(dir, "V1__a.sql", "CREATE TABLE a (id int);\n");
        write(dir, "V2__b.sql", "CREATE TABLE b (id int);\n");
        write(dir, "V3__c.sql", "CREATE TABLE c (id int);\n");
        write(dir, "billing/V1__invoices.sql", "CREATE TABLE invoices (id int);\n");
        ConnectionSpec spec = pg.createDatabase("baseline");
        MigrateFixture.execute(spec, "CREATE TABLE a (id int); CREATE TABLE b (id int);");

        var baseline = cli("migrate", "baseline", "--baseline-version", "2", "--url", url(spec), "--dir", dir.toString());
        assertThat(baseline.out()).isEqualTo("Baselined at version 2: (root)" + System.lineSeparator());
        var plan = cli("migrate", "plan", "--url", url(spec), "--dir", dir.toString());
        assertThat(plan.out()).contains("1. V3__c.sql").doesNotContain("V1__a.sql").contains("in a transaction");
        var apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());
        assertThat(apply.out()).contains("applied billing/V1__invoices.sql").contains("Applied 2 migrations, 0 failed, 2 already applied.");
        assertThat(cli("migrate", "info", "--url", url(spec), "--dir", dir.toString()).out())
                .containsPattern("1\\s+a\\s+below baseline").containsPattern("2\\s+<< baseline >>\\s+baseline");
    }

    @Test
    void baselineRefusesAVersionNoFileOfTheChainHasAndTouchesOnlyTheChainsNamed() throws Exception {
        write(dir, "V1__a.sql", "CREATE TABLE a (id int);\n");
        write(dir, "V2__b.sql", "CREATE TABLE b (id int);\n");
        write(dir, "billing/V1__invoices.sql", "CREATE TABLE invoices (id int);\n");
        ConnectionSpec spec = pg.createDatabase("baseline_rule");
        String target = spec.display();

        var all = cli("migrate", "baseline", "--baseline-version", "2", "--all-groups", "--url", url(spec), "--dir", dir.toString());
        assertThat(all.exitCode()).isEqualTo(2);
        assertThat(all.err()).isEqualTo("error: Cannot baseline " + target + " at version 2: chain billing has no versioned"
                + " file of version 2 (its versions: 1), so a baseline there would hide a future billing/V2__*.sql forever."
                + " Baseline at the version of an existing file, one chain at a time with --group. Nothing was changed."
                + System.lineSeparator());
        var root3 = cli("migrate", "baseline", "--baseline-version", "3", "--url", url(spec), "--dir", dir.toString());
        assertThat(root3.exitCode()).isEqualTo(2);
        assertThat(root3.err()).contains("chain (root) has no versioned file of version 3 (its versions: 1, 2)",
                "or name another chain with --group. Nothing was changed.");
        var typo = cli("migrate", "baseline", "--baseline-version", "1", "--group", "biling", "--url", url(spec), "--dir", dir.toString());
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("there is no chain biling in " + dir + " (chains: (root), billing). Nothing was changed.");
        assertThat(column(spec, "SELECT count(*) FROM pg_tables WHERE tablename = 'pgwarden_schema_history'")).containsExactly("0");

        // a mistyped database is refused, not created (an apply would then skip V1-V2 on an empty database)
        ConnectionSpec typoDb = spec.withDatabase(spec.database() + "_typo");
        var missing = cli("migrate", "baseline", "--baseline-version", "2", "--url", url(typoDb), "--dir", dir.toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("error: Cannot baseline " + typoDb.display() + " at version 2: database "
                + typoDb.database() + " does not exist on " + typoDb.address() + ", and baseline marks an existing database"
                + " (whose schema was created without pgwarden). Check the database name in --url / DATABASE_URL; to start"
                + " a new database, run 'pgwarden migrate apply' instead. Nothing was changed." + System.lineSeparator());
        assertThat(column(spec, "SELECT count(*) FROM pg_database WHERE datname = '" + typoDb.database() + "'"))
                .containsExactly("0");

        var root = cli("migrate", "baseline", "--baseline-version", "2", "--url", url(spec), "--dir", dir.toString());
        assertThat(root.exitCode()).as(root.err()).isZero();
        assertThat(root.out()).isEqualTo("Baselined at version 2: (root)" + System.lineSeparator());
        // a second baseline is refused with exit 6, as its help says
        var again = cli("migrate", "baseline", "--baseline-version", "2", "--url", url(spec), "--dir", dir.toString());
        assertThat(again.exitCode()).isEqualTo(6);
        assertThat(again.err()).contains("Chain (root) of " + target + " already has migration history");
        assertThat(cli("migrate", "baseline", "--help").out()).contains("6   refused: a chain baselined already has migration")
                .contains("2   refused: the database does not exist").doesNotContain("Exit 2 when refused");
        assertThat(column(spec, "SELECT group_name || ':' || version FROM pgwarden_schema_history")).containsExactly(":2");
        var apply = cli("migrate", "apply", "--url", url(spec), "--dir", dir.toString());
        assertThat(apply.out()).contains("applied billing/V1__invoices.sql", "Applied 1 migration, 0 failed, 2 already applied.");
    }
}

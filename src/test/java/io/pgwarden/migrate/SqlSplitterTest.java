package io.pgwarden.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlSplitterTest {
    private static List<String> sql(String text) {
        return SqlSplitter.split(text, 15).stream().map(SqlStatement::sql).toList();
    }

    @Test
    void semicolonsInsideCommentsStringsIdentifiersAndDollarQuotesDoNotSplit() {
        String text = """
                -- a comment; with a semicolon
                CREATE TABLE "we;ird" (v text DEFAULT 'a;''b'); /* block; /* nested; */ still; */
                INSERT INTO "we;ird" VALUES (E'it\\'s;'), ($$x;y$$), ($tag$ $$; $tag$);
                CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
                BEGIN
                  RETURN 1; -- inside
                END;
                $body$;
                SELECT 1
                """;
        assertThat(sql(text)).containsExactly(
                "CREATE TABLE \"we;ird\" (v text DEFAULT 'a;''b')",
                "INSERT INTO \"we;ird\" VALUES (E'it\\'s;'), ($$x;y$$), ($tag$ $$; $tag$)",
                "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\nBEGIN\n  RETURN 1; -- inside\nEND;\n$body$",
                "SELECT 1");
    }

    @Test
    void sqlStandardRoutineBodiesKeepTheirSemicolons() {
        String text = """
                CREATE FUNCTION g(i int) RETURNS int LANGUAGE sql
                BEGIN ATOMIC
                  SELECT i;
                  SELECT CASE WHEN i > 0 THEN i ELSE 0 END;
                END;
                SELECT 2;
                """;
        List<SqlStatement> s = SqlSplitter.split(text, 15);
        assertThat(s).hasSize(2);
        assertThat(s.get(0).sql()).endsWith("ELSE 0 END;\nEND");
        assertThat(s.get(1).sql()).isEqualTo("SELECT 2");
        assertThat(s.get(1).line()).isEqualTo(6);
    }

    @Test
    void semicolonsInsideParenthesesDoNotSplitAsInPsql() {
        assertThat(sql("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));"
                + " SELECT 1;")).containsExactly(
                "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))", "SELECT 1");
    }

    @Test
    void statementsKnowTheLineTheyStartOn() {
        String text = "/* header\n spanning */\n\nCREATE TABLE a (id int);\n  -- x\n\nINSERT INTO a\nVALUES (1);";
        List<SqlStatement> s = SqlSplitter.split(text, 15);
        assertThat(s).extracting(SqlStatement::line).containsExactly(4, 7);
        assertThat(s.get(1).lineOf("INSERT INTO a\nVAL".length())).isEqualTo(8);
    }

    @Test
    void classifiesStatementsThatCannotRunInATransaction() {
        List<SqlStatement> s = SqlSplitter.split("""
                create index  concurrently i on t (a);
                CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS j ON t (b);
                /* c */ VACUUM ANALYZE t;
                ALTER SYSTEM SET work_mem = '8MB';
                SET lock_timeout = '5s';
                ALTER TYPE mood ADD VALUE 'meh';
                CREATE INDEX k ON t (c);
                """, 15);
        assertThat(s).extracting(SqlStatement::kind).containsExactly(StatementKind.NON_TRANSACTIONAL,
                StatementKind.NON_TRANSACTIONAL, StatementKind.NON_TRANSACTIONAL, StatementKind.NON_TRANSACTIONAL,
                StatementKind.NEUTRAL, StatementKind.TRANSACTIONAL, StatementKind.TRANSACTIONAL);
        assertThat(s.get(0).what()).isEqualTo("CREATE INDEX CONCURRENTLY");
        assertThat(SqlSplitter.split("ALTER TYPE mood ADD VALUE 'meh'", 11).get(0).kind())
                .isEqualTo(StatementKind.NON_TRANSACTIONAL);
    }

    @Test
    void aFileMixingBothKindsIsRejectedSayingWhy() {
        ResolvedMigration m = new ResolvedMigration("", MigrationType.VERSIONED, MigrationVersion.parse("3"), "idx",
                "V3__idx.sql", Path.of("V3__idx.sql"), 0);
        List<SqlStatement> s = SqlSplitter.split("create table t (a int);\n\nCREATE INDEX CONCURRENTLY i ON t (a);", 15);
        assertThatThrownBy(() -> SqlScript.of(m, s))
                .isInstanceOfSatisfying(PgWardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("Migration V3__idx.sql mixes a statement that cannot run inside a transaction (line 3:"
                        + " CREATE INDEX CONCURRENTLY) with statements that must run in one (line 1: create table t (a int)),"
                        + " so it could be neither atomic nor run as one transaction; nothing was applied. Move the"
                        + " CREATE INDEX CONCURRENTLY statement into a migration file of its own.");
        List<SqlStatement> longer = SqlSplitter.split("-- users get names\nalter table users\n  add column name text;\n"
                + "update users set name = 'a very long default name that goes on and on and on' where name is null;\n"
                + "CREATE INDEX CONCURRENTLY i ON users (name);", 15);
        assertThatThrownBy(() -> SqlScript.of(m, longer, "plan stops here (apply would refuse too)"))
                .hasMessage("Migration V3__idx.sql mixes a statement that cannot run inside a transaction (line 5:"
                        + " CREATE INDEX CONCURRENTLY) with statements that must run in one (line 2: alter table users ...),"
                        + " so it could be neither atomic nor run as one transaction; plan stops here (apply would refuse"
                        + " too). Move the CREATE INDEX CONCURRENTLY statement into a migration file of its own.");
        assertThat(longer.get(1).what()).isEqualTo("update users set name = 'a very long default name that goes ...");
        assertThat(SqlScript.of(m, SqlSplitter.split("SET lock_timeout = '1s'; CREATE INDEX CONCURRENTLY i ON t (a);", 15))
                .transactional()).isFalse();
        SqlScript own = SqlScript.of(m, SqlSplitter.split("CREATE TABLE t (a int);\nBEGIN;\nCREATE INDEX CONCURRENTLY"
                + " i ON t (a);\nCOMMIT;", 15));
        assertThat(own.mode()).as("its own transaction control: run as written, even mixed").isEqualTo(RunMode.AS_WRITTEN);
        assertThat(own.runs()).isEqualTo("as written (its own BEGIN at line 2), not atomic as a whole");
    }

    @Test
    void transactionControlCountsOnlyAtTopLevelNotInsideDoBlocksFunctionsOrAtomicBodies() {
        List<SqlStatement> s = SqlSplitter.split("""
                DO $$ BEGIN PERFORM 1; COMMIT; END $$;
                CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS 'BEGIN ROLLBACK; END';
                CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
                SAVEPOINT s1;
                ROLLBACK TO SAVEPOINT s1;
                """, 15);
        assertThat(s).hasSize(5).extracting(SqlStatement::kind).containsOnly(StatementKind.TRANSACTIONAL);
        assertThat(SqlSplitter.split("start transaction; commit; begin; end; rollback;", 15))
                .extracting(SqlStatement::kind).containsOnly(StatementKind.TRANSACTION_CONTROL);
    }

    @Test
    void copyFromStdinDataIsReadUpToBackslashDotAndNeverSplit() {
        String text = "SET client_min_messages = warning;\n\\restrict abc123\n"
                + "COPY public.t (a, b) FROM stdin;\n1\tx;y\n2\t'it''s\n\\.\n"
                + "SELECT pg_catalog.setval('public.t_a_seq', 2, true);\n\\unrestrict abc123\n";
        List<SqlStatement> s = SqlSplitter.split(text, 15);
        assertThat(s).extracting(SqlStatement::sql).containsExactly("SET client_min_messages = warning",
                "COPY public.t (a, b) FROM stdin", "SELECT pg_catalog.setval('public.t_a_seq', 2, true)");
        assertThat(s.get(1).copyIn()).isTrue();
        assertThat(s.get(1).dataLine()).isEqualTo(4);
        assertThat(s.get(1).copyData()).isEqualTo("1\tx;y\n2\t'it''s\n");
        assertThat(s.get(2).line()).isEqualTo(7);
        assertThatThrownBy(() -> SqlSplitter.split("SELECT 1;\n\\connect other\nSELECT 2;", 15))
                .hasMessage("Migration the file line 2: \\connect is a psql meta-command; pgwarden sends the file's SQL"
                        + " to the server and runs no psql command (it skips only pg_dump's \\restrict and"
                        + " \\unrestrict lines). Remove the line, or apply the file with psql; nothing was applied.");
    }

    @Test
    void placeholdersAreReplacedOutsideCommentsAndAnUnknownOneIsNamed() {
        Placeholders p = Placeholders.of(java.util.Map.of("owner", "alice", "Table", "t1"),
                java.util.Map.of("flyway:defaultSchema", "app"));
        List<SqlStatement> s = SqlSplitter.split(new java.io.StringReader(
                "-- ${not_replaced} in a comment\nCREATE TABLE ${flyway:defaultSchema}.${table} (v text DEFAULT"
                        + " '${owner}');\nDO $$ BEGIN RAISE NOTICE '${OWNER}'; END $$; /* ${x} */"), 15, p, "V1__p.sql");
        assertThat(s).extracting(SqlStatement::sql).containsExactly(
                "CREATE TABLE app.t1 (v text DEFAULT 'alice')", "DO $$ BEGIN RAISE NOTICE 'alice'; END $$");
        assertThatThrownBy(() -> SqlSplitter.split(new java.io.StringReader("SELECT 1;\n\nSELECT '${missing}';"), 15, p,
                "V2__q.sql"))
                .hasMessage("Migration V2__q.sql line 3: placeholder ${missing} has no value (placeholders given: Table,"
                        + " owner). Give it one with --placeholder missing=VALUE (or MIGRATE_PLACEHOLDERS=missing=VALUE,...),"
                        + " or turn replacement off with --no-placeholders; nothing was applied.");
    }

    @Test
    void aBigFileIsSplitAsAStreamInBoundedMemory() throws Exception {
        // 2,000,000 rows of COPY data (about 30 MB of text) from a Reader that never holds them all
        java.io.Reader generated = new java.io.Reader() {
            private long row = -1;
            private String pending = "CREATE TABLE t (a int, b text);\nCOPY t (a, b) FROM stdin;\n";
            private int at;

            @Override
            public int read(char[] c, int off, int len) {
                int n = 0;
                while (n < len && pending != null) {
                    if (at == pending.length()) {
                        row++;
                        at = 0;
                        pending = row < 2_000_000 ? row + "\tvalue " + row + "\n" : row == 2_000_000 ? "\\.\nSELECT 1;\n" : null;
                        continue;
                    }
                    c[off + n++] = pending.charAt(at++);
                }
                return n == 0 ? -1 : n;
            }

            @Override
            public void close() {
            }
        };
        SqlSplitter splitter = new SqlSplitter(generated, 15, null, "V1__seed.sql");
        assertThat(splitter.next().sql()).startsWith("CREATE TABLE t");
        SqlStatement copy = splitter.next();
        assertThat(copy.copyIn()).isTrue();
        long rows = 0;
        long maxWindow = 0;
        try (java.io.BufferedReader data = new java.io.BufferedReader(splitter.copyData())) {
            while (data.readLine() != null) {
                rows++;
                maxWindow = Math.max(maxWindow, splitter.windowSize());
            }
        }
        assertThat(rows).isEqualTo(2_000_000);
        assertThat(maxWindow).as("characters held at once").isLessThan(200_000);
        SqlStatement last = splitter.next();
        assertThat(last.sql()).isEqualTo("SELECT 1");
        assertThat(last.line()).isEqualTo(2_000_004);
        assertThat(splitter.next()).isNull();
    }
}


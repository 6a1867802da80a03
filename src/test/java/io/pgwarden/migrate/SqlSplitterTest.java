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
        assertThatThrownBy(() -> SqlScript.of(m, SqlSplitter.split("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;", 15)))
                .hasMessageStartingWith("Migration V3__idx.sql line 1: BEGIN is not allowed;");
    }
}

package io.pgwarden.migrate;

import java.util.regex.Pattern;

/**
 * Which statements cannot run inside a transaction block, from PostgreSQL's documentation of each command
 * ("cannot be executed inside a transaction block"). Classified from the statement's first words with
 * comments removed and whitespace collapsed.
 */
final class TransactionRules {
    private record Rule(Pattern pattern, String what) {
    }

    private static final Rule[] NON_TRANSACTIONAL = {
        rule("CREATE (UNIQUE )?INDEX CONCURRENTLY\\b.*", "CREATE INDEX CONCURRENTLY"),
        rule("DROP INDEX CONCURRENTLY\\b.*", "DROP INDEX CONCURRENTLY"),
        rule("REINDEX\\b.*\\bCONCURRENTLY\\b.*", "REINDEX CONCURRENTLY"),
        rule("REINDEX (\\(.*\\) )?(DATABASE|SYSTEM)\\b.*", "REINDEX DATABASE/SYSTEM"),
        rule("CREATE DATABASE\\b.*", "CREATE DATABASE"),
        rule("DROP DATABASE\\b.*", "DROP DATABASE"),
        rule("ALTER DATABASE \\S+ SET TABLESPACE\\b.*", "ALTER DATABASE ... SET TABLESPACE"),
        rule("CREATE TABLESPACE\\b.*", "CREATE TABLESPACE"),
        rule("DROP TABLESPACE\\b.*", "DROP TABLESPACE"),
        rule("ALTER SYSTEM\\b.*", "ALTER SYSTEM"),
        rule("VACUUM\\b.*", "VACUUM"),
        rule("CLUSTER( VERBOSE)?", "CLUSTER without a table"),
        rule("CREATE SUBSCRIPTION\\b.*", "CREATE SUBSCRIPTION"),
        rule("DROP SUBSCRIPTION\\b.*", "DROP SUBSCRIPTION"),
    };
    /** Before PostgreSQL 12, ALTER TYPE ... ADD VALUE could not run in a transaction block. */
    private static final Rule ADD_ENUM_VALUE = rule("ALTER TYPE \\S+ ADD VALUE\\b.*", "ALTER TYPE ... ADD VALUE");
    private static final Pattern NEUTRAL = Pattern.compile("(SET|RESET|SHOW)\\b.*", Pattern.DOTALL);
    private static final Pattern CONTROL = Pattern.compile(
            "(BEGIN|START TRANSACTION|COMMIT|END|ABORT|ROLLBACK(?! TO\\b)|COMMIT PREPARED|PREPARE TRANSACTION)\\b.*",
            Pattern.DOTALL);
    private static final Pattern SET_TRANSACTION = Pattern.compile("SET (LOCAL |SESSION CHARACTERISTICS )?TRANSACTION\\b.*",
            Pattern.DOTALL);

    private TransactionRules() {
    }

    private static Rule rule(String regex, String what) {
        return new Rule(Pattern.compile(regex, Pattern.DOTALL), what);
    }

    /** Classifies a statement given its upper-cased, comment-free head and the server's major version. */
    static SqlStatement classify(String sql, int line, String head, int serverMajor) {
        for (Rule r : NON_TRANSACTIONAL) {
            if (r.pattern.matcher(head).matches()) {
                return new SqlStatement(sql, line, StatementKind.NON_TRANSACTIONAL, r.what);
            }
        }
        if (serverMajor < 12 && ADD_ENUM_VALUE.pattern.matcher(head).matches()) {
            return new SqlStatement(sql, line, StatementKind.NON_TRANSACTIONAL, ADD_ENUM_VALUE.what);
        }
        if (CONTROL.matcher(head).matches()) {
            return new SqlStatement(sql, line, StatementKind.TRANSACTION_CONTROL, firstWord(head));
        }
        if (NEUTRAL.matcher(head).matches() && !SET_TRANSACTION.matcher(head).matches()) {
            return new SqlStatement(sql, line, StatementKind.NEUTRAL, firstWord(head));
        }
        return new SqlStatement(sql, line, StatementKind.TRANSACTIONAL, asWritten(sql));
    }

    /** Longest quote of a statement in a message; enough to recognise it. */
    private static final int QUOTE_LENGTH = 60;

    /** The statement's first line that is not a comment, as the user wrote it (trimmed, maybe shortened). */
    static String asWritten(String sql) {
        String first = sql.strip().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("--"))
                .findFirst().orElse(sql.strip());
        boolean more = first.length() > QUOTE_LENGTH || !first.equals(sql.strip());
        return (first.length() > QUOTE_LENGTH ? first.substring(0, QUOTE_LENGTH).stripTrailing() : first) + (more ? " ..." : "");
    }

    private static String firstWord(String head) {
        int sp = head.indexOf(' ');
        return sp < 0 ? head : head.substring(0, sp);
    }
}

package io.pgwarden.migrate;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The accepted file names. In a chain: Flyway's {@code V<version>__<description>.sql},
 * {@code B<version>__<description>.sql} (a baseline migration) and {@code R__<description>.sql}, and
 * {@code <NNN>_<description>.sql}. At the top of the directory also {@code <group>_<NNN>_<description>.sql},
 * the flattened form a Kubernetes ConfigMap key takes, read as file {@code <NNN>_<description>.sql} of
 * {@code <group>}; the group is the shortest prefix followed by {@code _<digits>_}. Flyway's prefixes win: a name
 * that reads both ways ({@code B3_0_0__baseline.sql}: baseline 3.0.0, or file {@code 0_0__baseline.sql} of group
 * {@code B3}) is read as Flyway's.
 */
final class MigrationNames {
    static final String ACCEPTED = "use V<version>__<description>.sql (e.g. V1.2__add_users.sql),"
            + " B<version>__<description>.sql (a baseline), R__<description>.sql or <NNN>_<description>.sql"
            + " (e.g. 001_create_schema.sql)";
    static final String READ_VERSIONED = "Flyway versioned V<version>__";
    static final String READ_BASELINE = "Flyway baseline B<version>__";
    static final String READ_REPEATABLE = "Flyway repeatable R__";
    static final String READ_NUMBERED = "numbered <NNN>_";

    /** Compiled on first use: a directory of plain {@code V<version>__} names never needs them. */
    private static final class Patterns {
        static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__(.+)\\.sql", Pattern.CASE_INSENSITIVE);
        static final Pattern BASELINE = Pattern.compile("B(\\d+(?:[._]\\d+)*)__(.+)\\.sql", Pattern.CASE_INSENSITIVE);
        static final Pattern REPEATABLE = Pattern.compile("R__(.+)\\.sql", Pattern.CASE_INSENSITIVE);
        static final Pattern NUMBERED = Pattern.compile("(\\d+)_(.+)\\.sql", Pattern.CASE_INSENSITIVE);
        static final Pattern FLATTENED = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*?)_(\\d+_.+\\.sql)",
                Pattern.CASE_INSENSITIVE);
    }

    /**
     * What a name means: its chain (null: the enclosing one), its file name inside the chain, type, version, and how
     * the name was read (shown by {@code plan}: {@code Flyway baseline B<version>__}).
     */
    record Parsed(String group, String fileName, MigrationType type, MigrationVersion version, String description,
            String reading) {
    }

    private MigrationNames() {
    }

    /** Flyway's SQL callbacks: {@code beforeMigrate.sql}, {@code afterMigrate__grants.sql}, {@code afterEachMigrate.sql}... */
    static boolean isFlywayCallback(String name) {
        return (name.startsWith("before") || name.startsWith("after")) && name.length() > 10
                && Character.isUpperCase(name.charAt(name.startsWith("before") ? 6 : 5))
                && name.matches("(before|after)[A-Za-z]+(__.*)?\\.sql");
    }

    static boolean isSql(String name) {
        return name.regionMatches(true, name.length() - 4, ".sql", 0, 4);
    }

    /** Parses a file name inside a chain; null when it is not an accepted name. */
    static Parsed parseInChain(String name) {
        Parsed plain = plainVersioned(name);
        if (plain != null) {
            return plain;
        }
        Matcher m = Patterns.VERSIONED.matcher(name);
        if (m.matches()) {
            return new Parsed(null, name, MigrationType.VERSIONED, MigrationVersion.parse(m.group(1)), words(m.group(2)),
                    READ_VERSIONED);
        }
        m = Patterns.BASELINE.matcher(name);
        if (m.matches()) {
            return new Parsed(null, name, MigrationType.BASELINE_MIGRATION, MigrationVersion.parse(m.group(1)),
                    words(m.group(2)), READ_BASELINE);
        }
        m = Patterns.REPEATABLE.matcher(name);
        if (m.matches()) {
            return new Parsed(null, name, MigrationType.REPEATABLE, null, words(m.group(1)), READ_REPEATABLE);
        }
        m = Patterns.NUMBERED.matcher(name);
        if (m.matches()) {
            return new Parsed(null, name, MigrationType.VERSIONED, MigrationVersion.parse(m.group(1)), words(m.group(2)),
                    READ_NUMBERED);
        }
        return null;
    }

    /** Parses a file name at the top of the directory, including the flattened group form; null when not accepted. */
    static Parsed parseTopLevel(String name) {
        Parsed p = parseInChain(name);
        if (p != null) {
            return p;
        }
        Matcher m = Patterns.FLATTENED.matcher(name);
        if (m.matches()) {
            Parsed inner = parseInChain(m.group(2));
            if (inner != null) {
                return new Parsed(m.group(1), m.group(2), inner.type(), inner.version(), inner.description(),
                        "ConfigMap key <group>_ of group " + m.group(1) + ", then " + inner.reading());
            }
        }
        return null;
    }

    /**
     * The common {@code V<version>__<description>.sql} read without the patterns (a cold regular expression costs
     * more than everything else done per name, times thousands of files). Returns what
     * {@link Patterns#VERSIONED} would, or null to let the patterns decide: the version is the longest run of digits
     * separated by single dots or underscores (no shorter run can be followed by {@code __}), the description is
     * what lies between {@code __} and {@code .sql}, and a name with a line terminator (which {@code .} does not
     * match) is left to the patterns.
     */
    private static Parsed plainVersioned(String name) {
        int n = name.length();
        if (n == 0 || (name.charAt(0) != 'V' && name.charAt(0) != 'v') || !isSql(name)) {
            return null;
        }
        int i = 1;
        while (true) {
            int runStart = i;
            while (i < n && isDigit(name.charAt(i))) {
                i++;
            }
            if (i == runStart) {
                return null;
            }
            if (i + 1 < n && (name.charAt(i) == '.' || name.charAt(i) == '_') && isDigit(name.charAt(i + 1))) {
                i++;
                continue;
            }
            break;
        }
        int versionEnd = i;
        int descStart = versionEnd + 2;
        int descEnd = n - 4;
        if (!name.startsWith("__", versionEnd) || descEnd <= descStart) {
            return null;
        }
        for (int k = descStart; k < descEnd; k++) {
            char c = name.charAt(k);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return null;
            }
        }
        return new Parsed(null, name, MigrationType.VERSIONED, MigrationVersion.parse(name.substring(1, versionEnd)),
                words(name.substring(descStart, descEnd)), READ_VERSIONED);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String words(String raw) {
        return raw.replace('_', ' ').trim();
    }
}

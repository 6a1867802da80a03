package io.pgwarden.migrate;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Cuts a migration file into statements at top-level semicolons, as a stream: statements are returned one at a
 * time ({@link #next()}) and only the statement being read is held in memory, so a file of any size is split in
 * bounded memory. Understands {@code --} and nested {@code /* *}{@code /} comments, single-quoted strings (with
 * {@code ''} and, for {@code E'...'}, backslash escapes), double-quoted identifiers, dollar quoting ({@code $$...$$},
 * {@code $body$...$body$}), parentheses (a rule's {@code DO (...; ...)}, as psql) and SQL-standard routine bodies
 * ({@code BEGIN ATOMIC ... END}), so semicolons inside any of them do not end a statement. Each statement keeps the
 * line it starts on, for error messages.
 *
 * <p>Also, as {@code psql} reads a {@code pg_dump} file: the data of a {@code COPY ... FROM STDIN} statement is
 * the lines after it up to a line {@code \.}, read through {@link #copyData()} (never split as SQL); the psql-only
 * {@code \restrict} / {@code &#92;unrestrict} lines newer pg_dump writes are skipped (they guard psql's own
 * meta-commands, and pgwarden runs none); any other {@code \} meta-command line is refused, naming it. With
 * {@link Placeholders}, Flyway's {@code ${name}} placeholders are replaced outside comments.
 */
public final class SqlSplitter {
    /** Enough leading text to classify a statement; the longest rule reads about six words. */
    private static final int HEAD_LENGTH = 200;
    /** Text already split is dropped from the window past this much: memory stays bounded between statements. */
    private static final int COMPACT_AFTER = 64 * 1024;
    private static final int LONGEST_PLACEHOLDER = 256;
    private static final Pattern COPY_FROM_STDIN = Pattern.compile("(?is)\\s*COPY\\b.*\\bFROM\\s+STDIN\\b.*");

    private final TextWindow window;
    private final int serverMajor;
    private final Placeholders placeholders;
    private final String script;
    private long pos;
    private int line = 1;
    /** Placeholders of the statement being read: start offset, end offset, replacement. */
    private final List<Object[]> found = new ArrayList<>();
    private boolean copyPending;
    private CopyDataReader copyReader;

    /** Splits a file's whole text, already in memory (small files: no reader, no copying in chunks). */
    SqlSplitter(String text, int serverMajor, Placeholders placeholders, String script) {
        this(new TextWindow(text), serverMajor, placeholders, script);
    }

    SqlSplitter(Reader in, int serverMajor, Placeholders placeholders, String script) {
        this(new TextWindow(in), serverMajor, placeholders, script);
    }

    private SqlSplitter(TextWindow window, int serverMajor, Placeholders placeholders, String script) {
        this.window = window;
        this.serverMajor = serverMajor;
        this.placeholders = placeholders;
        this.script = script == null ? "the file" : script;
        if (ch(0) == '\uFEFF') {
            pos = 1;
        }
    }

    /** Splits {@code text}; {@code serverMajor} decides the few version-dependent transaction rules. */
    public static List<SqlStatement> split(String text, int serverMajor) {
        return split(new SqlSplitter(text, serverMajor, null, null));
    }

    /** Splits everything {@code in} holds into a list, COPY data included in its statement. */
    static List<SqlStatement> split(Reader in, int serverMajor, Placeholders placeholders, String script) {
        return split(new SqlSplitter(in, serverMajor, placeholders, script));
    }

    /** Splits a whole text into a list, COPY data included in its statement. */
    static List<SqlStatement> split(String text, int serverMajor, Placeholders placeholders, String script) {
        return split(new SqlSplitter(text, serverMajor, placeholders, script));
    }

    private static List<SqlStatement> split(SqlSplitter s) {
        List<SqlStatement> out = new ArrayList<>();
        try {
            for (SqlStatement st = s.next(); st != null; st = s.next()) {
                if (st.copyIn()) {
                    StringBuilder data = new StringBuilder();
                    Reader r = s.copyData();
                    char[] b = new char[8192];
                    int n;
                    while ((n = r.read(b)) > 0) {
                        data.append(b, 0, n);
                    }
                    st = st.withCopyData(data.toString());
                }
                out.add(st);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The next statement, or null at the end of the file. Data of a COPY returned before and not read through
     * {@link #copyData()} is skipped.
     */
    SqlStatement next() throws IOException {
        if (copyPending) {
            Reader r = copyData();
            char[] b = new char[8192];
            while (r.read(b) > 0) {
                // skipping data nobody read
            }
        }
        long start = -1;
        int startLine = 0;
        found.clear();
        StringBuilder head = new StringBuilder();
        String previousWord = "";
        int atomicDepth = 0;
        int parenDepth = 0;
        boolean routine = false;
        while (has(pos)) {
            if (start < 0 && pos - window.base() > COMPACT_AFTER) {
                window.compact(pos - 2);
            }
            char c = ch(pos);
            char next = ch(pos + 1);
            if (c == '-' && next == '-') {
                skipLineComment();
                appendSpace(head);
                continue;
            }
            if (c == '/' && next == '*') {
                skipBlockComment();
                appendSpace(head);
                continue;
            }
            if (c == ';' && atomicDepth == 0 && parenDepth == 0) {
                pos++;
                if (start >= 0) {
                    SqlStatement s = emit(start, pos - 1, startLine, head);
                    if (s != null) {
                        return s;
                    }
                }
                start = -1;
                found.clear();
                head.setLength(0);
                previousWord = "";
                routine = false;
                continue;
            }
            if (c == '(') {
                parenDepth++;
            } else if (c == ')' && parenDepth > 0) {
                parenDepth--;
            }
            if (Character.isWhitespace(c)) {
                if (c == '\n') {
                    line++;
                }
                appendSpace(head);
                pos++;
                continue;
            }
            if (start < 0 && c == '\\') {
                metaCommand();
                continue;
            }
            if (start < 0) {
                start = pos;
                startLine = line;
            }
            if (c == '$' && next == '{' && placeholders != null) {
                placeholder();
                appendHead(head, "?");
                continue;
            }
            if (c == '\'') {
                char before = pos > 0 ? ch(pos - 1) : ' ';
                boolean escapes = (before == 'E' || before == 'e') && (pos < 2 || !isIdentifierChar(ch(pos - 2)));
                long from = pos;
                skipQuoted('\'', escapes);
                appendHead(head, from);
                continue;
            }
            if (c == '"') {
                long from = pos;
                skipQuoted('"', false);
                appendHead(head, from);
                continue;
            }
            if (c == '$' && (pos == 0 || !isIdentifierChar(ch(pos - 1)))) {
                String tag = dollarTag();
                if (tag != null) {
                    skipDollarQuoted(tag);
                    appendHead(head, " $$ ");
                    continue;
                }
            }
            if (Character.isLetter(c) || c == '_') {
                long from = pos;
                while (has(pos) && isIdentifierChar(ch(pos))) {
                    pos++;
                }
                String word = text(from, pos).toUpperCase(Locale.ROOT);
                appendHead(head, word);
                if (word.equals("FUNCTION") || word.equals("PROCEDURE")) {
                    routine = true;
                }
                if (routine && word.equals("ATOMIC") && previousWord.equals("BEGIN")) {
                    atomicDepth++;
                } else if (atomicDepth > 0 && word.equals("CASE")) {
                    atomicDepth++;
                } else if (atomicDepth > 0 && word.equals("END")) {
                    atomicDepth--;
                }
                previousWord = word;
                continue;
            }
            appendHead(head, String.valueOf(c));
            pos++;
        }
        if (start >= 0) {
            return emit(start, pos, startLine, head);
        }
        return null;
    }

    /**
     * The data of the COPY ... FROM STDIN statement {@link #next()} just returned: the lines after it up to (not
     * including) a line {@code \.}, or to the end of the file. Read it before calling {@link #next()} again.
     */
    Reader copyData() {
        if (!copyPending) {
            return new StringReader("");
        }
        if (copyReader == null) {
            copyReader = new CopyDataReader();
        }
        return copyReader;
    }

    /** How many characters of the file are held right now (tests: memory stays bounded). */
    int windowSize() {
        return window.size();
    }

    /** The line the reading stopped at (the next statement's search starts here). */
    int line() {
        return line;
    }

    private SqlStatement emit(long from, long to, int startLine, StringBuilder head) {
        String sql = replaced(from, to).strip();
        found.clear();
        if (sql.isEmpty()) {
            return null;
        }
        String h = head.toString().trim().replaceAll(" +", " ");
        SqlStatement s = TransactionRules.classify(sql, startLine, h, serverMajor);
        if (h.startsWith("COPY ") && COPY_FROM_STDIN.matcher(sql).matches()) {
            // the data starts on the next line (what follows the semicolon on this one is not data, as in psql)
            while (has(pos) && ch(pos) != '\n') {
                pos++;
            }
            if (has(pos)) {
                pos++;
                line++;
            }
            copyPending = true;
            return s.asCopyIn(line);
        }
        return s;
    }

    /** The text of [from, to) with the placeholders found in it replaced. */
    private String replaced(long from, long to) {
        if (found.isEmpty()) {
            return text(from, to);
        }
        StringBuilder out = new StringBuilder();
        long at = from;
        for (Object[] p : found) {
            long s = (Long) p[0];
            long e = (Long) p[1];
            if (s < from || e > to) {
                continue;
            }
            out.append(text(at, s)).append((String) p[2]);
            at = e;
        }
        return out.append(text(at, to)).toString();
    }

    /** {@code ${name}} at {@code pos}: looked up now (an unknown one is an error naming file, line, placeholder). */
    private void placeholder() {
        long end = pos + 2;
        while (has(end) && ch(end) != '}' && ch(end) != '\n' && end - pos < LONGEST_PLACEHOLDER) {
            end++;
        }
        if (!has(end) || ch(end) != '}') {
            pos += 2; // not a placeholder: "${" without its "}" is left as written
            return;
        }
        String name = text(pos + 2, end);
        String value = placeholders.value(name, script, line);
        found.add(new Object[] {pos, end + 1, value});
        pos = end + 1;
    }

    private void metaCommand() {
        long from = pos;
        while (has(pos) && ch(pos) != '\n') {
            pos++;
        }
        String command = text(from, pos).strip();
        String word = command.split("\\s+", 2)[0];
        if (word.equals("\\restrict") || word.equals("\\unrestrict")) {
            return; // pg_dump 17.6 / 16.10 / 15.14 and later: psql's guard against injected meta-commands
        }
        throw new PgWardenException(ErrorCode.INVALID_INPUT, "Migration " + script + " line " + line + ": " + word
                + " is a psql meta-command; pgwarden sends the file's SQL to the server and runs no psql command"
                + " (it skips only pg_dump's \\restrict and \\unrestrict lines). Remove the line, or apply the file with"
                + " psql; nothing was applied.");
    }

    private boolean has(long p) {
        return window.has(p);
    }

    private char ch(long p) {
        return window.ch(p);
    }

    private String text(long from, long to) {
        return window.text(from, to);
    }

    private void appendHead(StringBuilder head, long from) {
        if (head.length() < HEAD_LENGTH) {
            appendHead(head, text(from, Math.min(pos, from + HEAD_LENGTH)));
        }
    }

    private static void appendHead(StringBuilder head, String s) {
        if (head.length() < HEAD_LENGTH) {
            head.append(s.toUpperCase(Locale.ROOT));
        }
    }

    private static void appendSpace(StringBuilder head) {
        if (head.length() > 0 && head.length() < HEAD_LENGTH && head.charAt(head.length() - 1) != ' ') {
            head.append(' ');
        }
    }

    private static boolean isIdentifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private void skipLineComment() {
        while (has(pos) && ch(pos) != '\n') {
            pos++;
        }
    }

    private void skipBlockComment() {
        int depth = 0;
        while (has(pos)) {
            char c = ch(pos);
            char next = ch(pos + 1);
            if (c == '/' && next == '*') {
                depth++;
                pos += 2;
            } else if (c == '*' && next == '/') {
                depth--;
                pos += 2;
                if (depth == 0) {
                    return;
                }
            } else {
                if (c == '\n') {
                    line++;
                }
                pos++;
            }
        }
    }

    private void skipQuoted(char quote, boolean backslashEscapes) {
        pos++;
        while (has(pos)) {
            char c = ch(pos);
            if (c == '\n') {
                line++;
            }
            if (c == '$' && placeholders != null && ch(pos + 1) == '{') {
                placeholder();
                continue;
            }
            if (backslashEscapes && c == '\\') {
                if (ch(pos + 1) == '\n') {
                    line++;
                }
                pos += 2;
                continue;
            }
            if (c == quote) {
                if (ch(pos + 1) == quote) {
                    pos += 2;
                    continue;
                }
                pos++;
                return;
            }
            pos++;
        }
    }

    /** The tag ({@code $$} or {@code $name$}) starting at {@code pos}, or null when this {@code $} starts none. */
    private String dollarTag() {
        long i = pos + 1;
        while (has(i)) {
            char c = ch(i);
            if (c == '$') {
                return text(pos, i + 1);
            }
            boolean ok = i == pos + 1 ? Character.isLetter(c) || c == '_' : Character.isLetterOrDigit(c) || c == '_';
            if (!ok) {
                return null;
            }
            i++;
        }
        return null;
    }

    private void skipDollarQuoted(String tag) {
        pos += tag.length();
        while (has(pos)) {
            char c = ch(pos);
            if (c == '$' && matches(pos, tag)) {
                pos += tag.length();
                return;
            }
            if (c == '$' && placeholders != null && ch(pos + 1) == '{') {
                placeholder();
                continue;
            }
            if (c == '\n') {
                line++;
            }
            pos++;
        }
    }

    private boolean matches(long at, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (ch(at + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The data lines of a COPY, read straight from the window (dropped as they are read). */
    private final class CopyDataReader extends Reader {
        private boolean atLineStart = true;

        @Override
        public int read(char[] cbuf, int off, int len) {
            if (!copyPending) {
                return -1;
            }
            if (pos - window.base() > COMPACT_AFTER) {
                window.compact(pos);
            }
            int n = 0;
            while (n < len) {
                if (!has(pos)) {
                    copyPending = false; // the file ended without \.: psql ends the data there too
                    break;
                }
                if (atLineStart && ch(pos) == '\\' && ch(pos + 1) == '.'
                        && (!has(pos + 2) || ch(pos + 2) == '\n' || ch(pos + 2) == '\r' && (!has(pos + 3) || ch(pos + 3) == '\n'))) {
                    while (has(pos) && ch(pos) != '\n') {
                        pos++;
                    }
                    if (has(pos)) {
                        pos++;
                    }
                    line++;
                    copyPending = false;
                    break;
                }
                char c = ch(pos++);
                cbuf[off + n++] = c;
                atLineStart = c == '\n';
                if (atLineStart) {
                    line++;
                }
            }
            if (!copyPending) {
                atLineStart = true;
                copyReader = null;
            }
            return n == 0 && !copyPending ? -1 : n;
        }

        @Override
        public void close() {
            // the file's reader belongs to the splitter
        }
    }
}

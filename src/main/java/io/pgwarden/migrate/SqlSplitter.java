package io.pgwarden.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cuts a migration file into statements at top-level semicolons. Understands {@code --} and nested
 * {@code /* *}{@code /} comments, single-quoted strings (with {@code ''} and, for {@code E'...'}, backslash
 * escapes), double-quoted identifiers, dollar quoting ({@code $$...$$}, {@code $body$...$body$}),
 * parentheses (a rule's {@code DO (...; ...)}, as psql) and SQL-standard routine bodies
 * ({@code BEGIN ATOMIC ... END}), so semicolons inside any of them do not end a statement. Each statement keeps the line it starts on, for error messages.
 */
public final class SqlSplitter {
    /** Enough leading text to classify a statement; the longest rule reads about six words. */
    private static final int HEAD_LENGTH = 200;

    private final String text;
    private final int serverMajor;
    private final List<SqlStatement> statements = new ArrayList<>();
    private int pos;
    private int line = 1;

    private SqlSplitter(String text, int serverMajor) {
        this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        this.serverMajor = serverMajor;
    }

    /** Splits {@code text}; {@code serverMajor} decides the few version-dependent transaction rules. */
    public static List<SqlStatement> split(String text, int serverMajor) {
        SqlSplitter s = new SqlSplitter(text, serverMajor);
        s.run();
        return s.statements;
    }

    private void run() {
        int start = -1;
        int startLine = 0;
        StringBuilder head = new StringBuilder();
        String previousWord = "";
        int atomicDepth = 0;
        int parenDepth = 0;
        boolean routine = false;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            char next = pos + 1 < text.length() ? text.charAt(pos + 1) : '\0';
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
                if (start >= 0) {
                    emit(start, pos, startLine, head);
                }
                start = -1;
                head.setLength(0);
                previousWord = "";
                routine = false;
                pos++;
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
            if (start < 0) {
                start = pos;
                startLine = line;
            }
            if (c == '\'') {
                boolean escapes = pos > 0 && (text.charAt(pos - 1) == 'E' || text.charAt(pos - 1) == 'e')
                        && (pos < 2 || !isIdentifierChar(text.charAt(pos - 2)));
                int from = pos;
                skipQuoted('\'', escapes);
                appendHead(head, text.substring(from, pos));
                continue;
            }
            if (c == '"') {
                int from = pos;
                skipQuoted('"', false);
                appendHead(head, text.substring(from, pos));
                continue;
            }
            if (c == '$' && (pos == 0 || !isIdentifierChar(text.charAt(pos - 1)))) {
                String tag = dollarTag();
                if (tag != null) {
                    skipDollarQuoted(tag);
                    appendHead(head, " $$ ");
                    continue;
                }
            }
            if (Character.isLetter(c) || c == '_') {
                int from = pos;
                while (pos < text.length() && isIdentifierChar(text.charAt(pos))) {
                    pos++;
                }
                String word = text.substring(from, pos).toUpperCase(Locale.ROOT);
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
            emit(start, text.length(), startLine, head);
        }
    }

    private void emit(int from, int to, int startLine, StringBuilder head) {
        String sql = text.substring(from, to).strip();
        if (sql.isEmpty()) {
            return;
        }
        String h = head.toString().trim().replaceAll(" +", " ");
        statements.add(TransactionRules.classify(sql, startLine, h, serverMajor));
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
        while (pos < text.length() && text.charAt(pos) != '\n') {
            pos++;
        }
    }

    private void skipBlockComment() {
        int depth = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            char next = pos + 1 < text.length() ? text.charAt(pos + 1) : '\0';
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
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
            }
            if (backslashEscapes && c == '\\') {
                if (pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
                    line++;
                }
                pos += 2;
                continue;
            }
            if (c == quote) {
                if (pos + 1 < text.length() && text.charAt(pos + 1) == quote) {
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
        int i = pos + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$') {
                return text.substring(pos, i + 1);
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
        int end = text.indexOf(tag, pos + tag.length());
        int stop = end < 0 ? text.length() : end + tag.length();
        for (int i = pos; i < stop; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        pos = stop;
    }
}

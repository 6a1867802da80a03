package io.pgwarden.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the {@code host=} and {@code port=} of every entry of a pgbouncer.ini {@code [databases]} section,
 * keeping everything else byte for byte: other sections, comments, blank lines, other connection parameters, the
 * line endings. An entry without {@code host=}/{@code port=} gets them appended. Pure text in, text out.
 */
final class PgBouncerIni {
    private static final Pattern SECTION = Pattern.compile("^\\s*\\[([^]]+)]\\s*$");
    private static final Pattern ENTRY = Pattern.compile("^(\\s*[^;#=\\s][^=]*?\\s*=\\s*)(.*?)(\\s*)$");
    private static final Pattern PARAM = Pattern.compile("(\\b(host|port)\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|\\S*)");

    private PgBouncerIni() {
    }

    /** {@code ini} with every {@code [databases]} entry pointing at {@code target}. */
    static String retarget(String ini, NodeAddress target) {
        StringBuilder out = new StringBuilder(ini.length() + 64);
        String section = "";
        for (String line : splitKeepingEndings(ini)) {
            String body = line.endsWith("\r\n") ? line.substring(0, line.length() - 2)
                    : line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
            String ending = line.substring(body.length());
            Matcher s = SECTION.matcher(body);
            if (s.matches()) {
                section = s.group(1).trim().toLowerCase(java.util.Locale.ROOT);
            } else if (section.equals("databases")) {
                Matcher e = ENTRY.matcher(body);
                if (e.matches()) {
                    body = e.group(1) + retargetConnstr(e.group(2), target) + e.group(3);
                }
            }
            out.append(body).append(ending);
        }
        return out.toString();
    }

    /** Database name to {@code host:port} of the {@code [databases]} entries that set both. */
    static Map<String, String> targets(String ini) {
        Map<String, String> out = new LinkedHashMap<>();
        String section = "";
        for (String line : ini.split("\r?\n")) {
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                section = s.group(1).trim().toLowerCase(java.util.Locale.ROOT);
                continue;
            }
            Matcher e = ENTRY.matcher(line);
            if (section.equals("databases") && e.matches()) {
                String name = e.group(1).substring(0, e.group(1).indexOf('=')).trim();
                Map<String, String> params = new LinkedHashMap<>();
                Matcher p = PARAM.matcher(e.group(2));
                while (p.find()) {
                    params.put(p.group(2), unquote(p.group(3)));
                }
                if (params.containsKey("host") && params.containsKey("port")) {
                    out.put(name, params.get("host") + ":" + params.get("port"));
                }
            }
        }
        return out;
    }

    private static String retargetConnstr(String connstr, NodeAddress target) {
        boolean[] seen = new boolean[2];
        Matcher p = PARAM.matcher(connstr);
        StringBuilder sb = new StringBuilder();
        while (p.find()) {
            boolean host = p.group(2).equals("host");
            seen[host ? 0 : 1] = true;
            String value = host ? target.host() : Integer.toString(target.port());
            p.appendReplacement(sb, Matcher.quoteReplacement(p.group(1) + value));
        }
        p.appendTail(sb);
        String result = sb.toString();
        if (!seen[0]) {
            result = (result.isEmpty() ? "" : result + " ") + "host=" + target.host();
        }
        if (!seen[1]) {
            result = result + " port=" + target.port();
        }
        return result;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("'") && v.endsWith("'") ? v.substring(1, v.length() - 1) : v;
    }

    private static List<String> splitKeepingEndings(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            lines.add(text.substring(start));
        }
        return lines;
    }
}

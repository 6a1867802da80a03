package io.pgwarden.cli;

import io.pgwarden.core.ErrorCode;
import java.util.Map;
import java.util.TreeMap;

/** The exit-code table shown in {@code --help}, built from {@link ErrorCode} so the two never drift. */
final class ExitCodes {
    private ExitCodes() {
    }

    static Map<String, String> table() {
        Map<String, String> m = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a.trim()), Integer.parseInt(b.trim())));
        m.put("0", "success");
        for (ErrorCode c : ErrorCode.values()) {
            m.merge(Integer.toString(c.exitCode()), c.description(), (x, y) -> x + "; " + y);
        }
        return m;
    }

}

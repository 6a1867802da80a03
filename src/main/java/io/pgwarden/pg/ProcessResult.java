package io.pgwarden.pg;

import java.util.List;

/** What a finished program did: its command line, exit code and captured output. */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** The last lines of stderr (or stdout when stderr is empty), for error messages. */
    public String tail(int lines) {
        String text = stderr.isBlank() ? stdout : stderr;
        String[] all = text.strip().split("\\R");
        int from = Math.max(0, all.length - lines);
        return String.join(System.lineSeparator(), java.util.Arrays.copyOfRange(all, from, all.length));
    }
}

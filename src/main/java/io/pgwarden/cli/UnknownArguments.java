package io.pgwarden.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The message for arguments picocli could not match: each unknown option with the closest options of the
 * command ({@code Unknown option: '--prot'; did you mean --port?}), an unknown subcommand with the closest
 * commands. picocli's own suggestions only look at the first two letters, which misses transposed letters.
 */
final class UnknownArguments {
    /** At most this many edits apart is "close": catches a typo or a swap, not a different word. */
    private static final int MAX_DISTANCE = 2;

    private UnknownArguments() {
    }

    static String describe(UnmatchedArgumentException e) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        List<String> unmatched = e.getUnmatched();
        List<String> lines = new ArrayList<>();
        boolean afterUnknownOption = false;
        for (String arg : unmatched) {
            if (resemblesOption(arg)) {
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                List<String> options = new ArrayList<>();
                spec.options().stream().filter(o -> !o.hidden()).forEach(o -> options.addAll(List.of(o.names())));
                lines.add("Unknown option: '" + arg + "'" + suggestion(name, options));
                afterUnknownOption = !arg.contains("=");
            } else if (afterUnknownOption) {
                afterUnknownOption = false; // most likely the value of the unknown option: one error is enough
            } else if (!spec.subcommands().isEmpty() && lines.isEmpty() && arg.equals(unmatched.get(0))) {
                String close = suggestion(arg, spec.subcommands().keySet());
                lines.add("Unknown command: '" + arg + "'" + (close.isEmpty() ? "." : close) + " Commands: "
                        + String.join(", ", spec.subcommands().keySet()) + ".");
            } else {
                lines.add("Unexpected argument: '" + arg + "'; " + spec.qualifiedName() + " takes no positional arguments"
                        + " here (a value with spaces needs quotes).");
            }
        }
        return lines.isEmpty() ? e.getMessage() : String.join(System.lineSeparator(), lines);
    }

    private static boolean resemblesOption(String arg) {
        return arg.startsWith("-") && arg.length() > 1 && !arg.matches("-\\d.*");
    }

    /** {@code "; did you mean --port?"}, or empty when nothing is close. */
    private static String suggestion(String word, Collection<String> candidates) {
        String w = word.toLowerCase(Locale.ROOT);
        int best = candidates.stream().mapToInt(c -> distance(w, c.toLowerCase(Locale.ROOT))).min().orElse(Integer.MAX_VALUE);
        List<String> close = candidates.stream().distinct()
                .filter(c -> best <= MAX_DISTANCE && distance(w, c.toLowerCase(Locale.ROOT)) == best)
                .sorted().limit(3).toList();
        if (close.isEmpty()) {
            return "";
        }
        return "; did you mean " + String.join(" or ", close) + "?";
    }

    /** Edits (insert, delete, replace, swap two neighbours) from {@code a} to {@code b}. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}

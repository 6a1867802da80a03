package io.pgwarden.docs;

import io.pgwarden.cli.Main;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Builds the README's environment-variable table from the CLI's own model: every option whose
 * description says {@code Env: NAME} becomes a row naming the variable, its flags and what it is
 * for. The README is checked against this, so the two cannot drift apart.
 */
final class EnvironmentReference {
    private static final Pattern ENV = Pattern.compile("Env: ((?:[A-Z][A-Z0-9_]{2,}(?:\\s*(?:,|or|/)\\s*)?)+)");
    /** End of the first sentence: a full stop before a capital, not after "e.g" or "i.e". */
    private static final Pattern SENTENCE_END = Pattern.compile("(?<!e\\.g)(?<!i\\.e)\\.\\s+(?=[A-Z(])");

    private EnvironmentReference() {
    }

    /** The Markdown table rows, sorted by variable name. */
    static String table() {
        CommandLine root = Main.commandLine(Map.of());
        Map<String, Set<String>> flags = new TreeMap<>();
        Map<String, String> purpose = new TreeMap<>();
        int[] commands = {0};
        walk(root, flags, purpose, commands);
        StringBuilder sb = new StringBuilder("| variable | flag(s) | meaning |\n|---|---|---|\n");
        for (var e : flags.entrySet()) {
            String where = e.getValue().size() >= commands[0] - 1
                    ? "every command's `" + e.getValue().iterator().next().replaceAll(".* ", "") + "`"
                    : String.join(", ", e.getValue());
            sb.append("| `").append(e.getKey()).append("` | ").append(where).append(" | ")
                    .append(purpose.get(e.getKey())).append(" |\n");
        }
        return sb.toString();
    }

    private static void walk(CommandLine cl, Map<String, Set<String>> flags, Map<String, String> purpose, int[] commands) {
        CommandSpec spec = cl.getCommandSpec();
        if (cl.getSubcommands().isEmpty()) {
            commands[0]++;
        }
        for (OptionSpec o : spec.options()) {
            String desc = String.join(" ", o.description()).replaceAll("\\s+", " ");
            Matcher m = ENV.matcher(desc);
            while (m.find()) {
                for (String env : m.group(1).split("[^A-Z0-9_]+")) {
                    if (env.length() < 3) {
                        continue;
                    }
                    String name = spec.qualifiedName().replaceFirst("^pgwarden ?", "");
                    flags.computeIfAbsent(env, k -> new TreeSet<>()).add("`" + name + " " + o.longestName() + "`");
                    String first = List.of(SENTENCE_END.split(desc, 2)).get(0).replace("|", "\\|");
                    purpose.putIfAbsent(env, first.endsWith(".") ? first : first + ".");
                }
            }
        }
        cl.getSubcommands().values().forEach(sub -> walk(sub, flags, purpose, commands));
    }
}

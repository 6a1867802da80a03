package io.pgwarden.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Dockerfile split into stages and instructions, following the Dockerfile reference: comment lines
 * and blank lines are dropped, a trailing backslash continues a line, and each FROM starts a stage
 * ({@code FROM image [AS name]}). Instructions before the first FROM (global ARGs) form stage "".
 */
final class DockerInstructions {
    record Instruction(String keyword, String arguments) {
    }

    record Stage(String name, String from, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        /** The only instruction with {@code keyword}, failing when there is none or several. */
        String only(String keyword) {
            List<Instruction> found = all(keyword);
            if (found.size() != 1) {
                throw new AssertionError("stage " + name + ": expected one " + keyword + ", found " + found.size());
            }
            return found.get(0).arguments();
        }

        Optional<String> last(String keyword) {
            List<Instruction> found = all(keyword);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1).arguments());
        }
    }

    final List<Stage> stages = new ArrayList<>();

    static DockerInstructions parse(String text) {
        DockerInstructions d = new DockerInstructions();
        List<Instruction> current = new ArrayList<>();
        d.stages.add(new Stage("", "", current));
        StringBuilder logical = new StringBuilder();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && logical.length() == 0)) {
                continue;
            }
            if (line.endsWith("\\")) {
                logical.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            logical.append(line);
            String full = logical.toString().strip();
            logical.setLength(0);
            if (full.isEmpty()) {
                continue;
            }
            String[] parts = full.split("\\s+", 2);
            Instruction ins = new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : "");
            if (ins.keyword().equals("FROM")) {
                String[] from = ins.arguments().split("\\s+");
                String name = from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : String.valueOf(d.stages.size() - 1);
                current = new ArrayList<>();
                d.stages.add(new Stage(name, from[0], current));
            } else {
                current.add(ins);
            }
        }
        if (logical.length() > 0) {
            throw new AssertionError("Dockerfile ends inside a continued line: " + logical);
        }
        return d;
    }

    Stage stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no stage " + name + " in " + stageNames()));
    }

    /** Named stages in order (without the global part). */
    List<String> stageNames() {
        return stages.stream().skip(1).map(Stage::name).toList();
    }
}

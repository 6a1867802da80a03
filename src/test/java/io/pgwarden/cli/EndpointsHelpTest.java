package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The help of {@code pgwarden endpoints}: env vars next to flags, examples, and summaries that are whole sentences. */
class EndpointsHelpTest {
    private static final CommandLine ENDPOINTS = Main.commandLine(Map.of()).getSubcommands().get("endpoints");

    private static List<CommandSpec> commands() {
        return List.of(ENDPOINTS.getCommandSpec(), ENDPOINTS.getSubcommands().get("reconcile").getCommandSpec(),
                ENDPOINTS.getSubcommands().get("watch").getCommandSpec());
    }

    @Test
    void everyOptionNamesItsEnvironmentVariable() {
        for (CommandSpec spec : commands()) {
            for (OptionSpec option : spec.options()) {
                if (option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                assertThat(String.join(" ", option.description())).as(spec.qualifiedName() + " " + option.longestName())
                        .containsPattern("Env: [A-Z_]+");
            }
        }
    }

    @Test
    void everyCommandHasAWholeFirstSentenceAndExamplesThatFitTheScreen() {
        for (CommandSpec spec : commands()) {
            List<String> description = List.of(spec.usageMessage().description());
            assertThat(description.get(0)).as(spec.qualifiedName()).endsWith(".").doesNotContain("%n", "\n")
                    .hasSizeLessThanOrEqualTo(64);
            int examples = description.indexOf("Examples:");
            assertThat(examples).as(spec.qualifiedName() + " has examples").isPositive();
            List<String> lines = description.subList(examples + 1, description.size()).stream()
                    .filter(l -> !l.isEmpty()).toList();
            assertThat(lines).as(spec.qualifiedName()).isNotEmpty()
                    .allSatisfy(l -> assertThat(l).startsWith("  ").hasSizeLessThanOrEqualTo(80))
                    .anySatisfy(l -> assertThat(l).contains(spec.qualifiedName()));
        }
    }

    @Test
    void summariesListWholeSentences() {
        CliRun group = CliRun.of(Map.of(), "endpoints", "--help");
        CliRun top = CliRun.of(Map.of(), "--help");

        assertThat(group.out().lines()).contains(
                "  reconcile  Probes every node once, publishes what differs, and exits.",
                "  watch      Reconciles continuously until SIGTERM or SIGINT, then exits 0.");
        assertThat(top.out().lines()).contains("  endpoints    Keeps clients pointed at the right PostgreSQL nodes.");
    }

    @Test
    void thePasswordNoteHasItsOwnPlaceNotTheSslmodeOption() {
        CommandSpec reconcile = ENDPOINTS.getSubcommands().get("reconcile").getCommandSpec();

        assertThat(reconcile.findOption("--sslmode").description()).containsExactly(
                "libpq SSL mode: disable, allow, prefer, require, verify-ca, verify-full. Env: PGSSLMODE. Default: prefer.");
        assertThat(reconcile.usageMessage().description()).contains(
                "The probes' password comes from --password-file (PGWARDEN_PASSWORD_FILE) or PGPASSWORD, never a flag.");
        assertThat(reconcile.findOption("--password-file").description()).containsExactly(
                "File whose first line is the probes' password (e.g. a mounted Secret); read once at start. "
                        + "Env: PGWARDEN_PASSWORD_FILE. Default: the PGPASSWORD environment variable (never a flag).");
    }
}

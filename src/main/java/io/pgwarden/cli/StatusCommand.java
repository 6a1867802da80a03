package io.pgwarden.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pgwarden.agent.NodeReport;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.Clock;
import io.pgwarden.pg.ConnectionSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden status}: role, timeline, LSNs, lag, upstream and slot of one node. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Shows one node's replication status: role, timeline, LSNs (current on a primary, received and"
                        + " replayed on a replica), lag behind its upstream in bytes (upstream's current LSN minus"
                        + " replay LSN) and seconds (since the last replayed commit while WAL waits to be replayed),"
                        + " upstream and WAL receiver state, slot; on a primary, each streaming replica with its slot and lag.",
                "",
                "Examples:",
                "  pgwarden status                 # the local node of ./pgwarden-data",
                "  pgwarden status --data-dir /srv/replica --format json",
                "  PGPASSWORD=... pgwarden status --url postgresql://postgres@db-2/postgres",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the node answered", "1:the node could not be reached", "2:invalid flag or environment variable"})
public final class StatusCommand extends AbstractCommand {
    @Mixin
    NodeTarget target;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "table or json. Env: PGWARDEN_STATUS_FORMAT. Default: table.")
    String format;

    @Override
    protected int execute() throws Exception {
        ConfigSources sources = sources(null);
        Problems problems = new Problems();
        boolean json = sources.resolve(problems, false, StatusCommand::isJson, "--format", format, "PGWARDEN_STATUS_FORMAT");
        problems.throwIfAny();
        ConnectionSpec spec = target.resolve(sources);
        NodeReport status = NodeReport.probe(spec, Clock.SYSTEM);
        if (json) {
            out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status.fields()));
        } else {
            status.table().forEach(out()::println);
        }
        return status.state().reachable() ? 0 : 1;
    }

    static boolean isJson(String text) {
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "json" -> true;
            case "table" -> false;
            default -> throw new IllegalArgumentException("expected table or json");
        };
    }
}

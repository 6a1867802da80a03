package io.pgwarden.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.Clock;
import io.pgwarden.instance.ReplicationDetails;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.topology.JdbcNodeProbe;
import io.pgwarden.topology.NodeAddress;
import io.pgwarden.topology.NodeState;
import java.sql.SQLException;
import java.time.Duration;
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
    /** Long enough for a busy server to answer, short enough for an interactive command. */
    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(10);

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
        NodeStatus status = probe(spec);
        if (json) {
            out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status.fields()));
        } else {
            status.table().forEach(out()::println);
        }
        return status.state().reachable() ? 0 : 1;
    }

    static NodeStatus probe(ConnectionSpec spec) {
        JdbcNodeProbe probe = new JdbcNodeProbe(spec, Clock.SYSTEM);
        NodeState state = probe.probe(new NodeAddress(spec.host(), spec.port()), Clock.SYSTEM.nanoTime() + PROBE_DEADLINE.toNanos());
        if (!state.reachable()) {
            return new NodeStatus(state, null, null);
        }
        Long lag = null;
        if (state.isReplica() && state.walReceiver() != null && state.replayLsn() != null) {
            NodeState up = probe.probe(new NodeAddress(state.walReceiver().senderHost(), state.walReceiver().senderPort()),
                    Clock.SYSTEM.nanoTime() + PROBE_DEADLINE.toNanos());
            if (up.isPrimary()) {
                lag = up.currentLsn().bytesAfter(state.replayLsn());
            }
        }
        ReplicationDetails details;
        try {
            details = ReplicationDetails.read(spec);
        } catch (SQLException e) {
            details = null; // role and LSNs are still worth showing
        }
        return new NodeStatus(state, lag, details);
    }

    static boolean isJson(String text) {
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "json" -> true;
            case "table" -> false;
            default -> throw new IllegalArgumentException("expected table or json");
        };
    }
}

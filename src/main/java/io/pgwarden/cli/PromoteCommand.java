package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.instance.Promoter;
import io.pgwarden.pg.ConnectionSpec;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden promote}: promotes a replica and waits until it accepts writes. */
@Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Promotes a streaming replica to primary (pg_promote) and returns once it is out of recovery and a"
                        + " write commits. A node that already is a primary is left as it is (exit 0).",
                "Promote only after the old primary is stopped or fenced: two primaries accept diverging writes."
                        + " Bring the old one back with 'pgwarden rejoin'.",
                "",
                "Examples:",
                "  pgwarden promote                # the local node of ./pgwarden-data",
                "  pgwarden promote --data-dir /srv/replica --timeout 2m",
                "  PGPASSWORD=... pgwarden promote --url postgresql://postgres@db-2/postgres",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the node is a primary and accepts writes", "1:it could not be reached or did not accept writes in time",
                "2:invalid flag or environment variable"})
public final class PromoteCommand extends AbstractCommand {
    @Mixin
    NodeTarget target;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "How long to wait for writes after pg_promote. Env: PGWARDEN_PROMOTE_TIMEOUT. Default: 60s.")
    String timeout;

    @Override
    protected int execute() {
        ConfigSources sources = sources(null);
        Problems problems = new Problems();
        Duration limit = sources.resolve(problems, Promoter.DEFAULT_TIMEOUT, InputParsers::positiveDuration, "--timeout",
                timeout, "PGWARDEN_PROMOTE_TIMEOUT");
        problems.throwIfAny();
        ConnectionSpec node = target.resolve(sources);
        String upstream = upstream(node);
        Promoter.Result r = new Promoter(Clock.SYSTEM).execute(node, limit);
        out().println((r.promoted() ? "promoted: " : "already primary: ") + node.address() + " accepts writes on timeline "
                + r.timeline() + " (test write at " + r.writeLsn() + ", " + Durations.format(r.took()) + ")");
        if (r.promoted() && upstream != null && reachable(upstream)) {
            warn("the old primary " + upstream + " is still up and accepts connections: clients that reach it can write"
                    + " to both. Stop it, or turn it into a replica of " + node.address() + " ('pgwarden rejoin --primary "
                    + node.address() + "' on that node).");
        }
        return 0;
    }

    /** HOST:PORT the replica streams from (its WAL receiver), or null when it does not stream or is a primary. */
    private static String upstream(ConnectionSpec node) {
        try (java.sql.Connection c = io.pgwarden.pg.PgConnections.open(node); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT sender_host, sender_port FROM pg_stat_wal_receiver"
                     + " WHERE sender_host IS NOT NULL AND sender_host NOT LIKE '/%'")) {
            return rs.next() ? rs.getString(1) + ":" + rs.getInt(2) : null;
        } catch (java.sql.SQLException e) {
            return null; // the promotion itself reports a server that does not answer
        }
    }

    /** A TCP connect within 2 s: enough to tell a running server from a stopped one without credentials. */
    private static boolean reachable(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(hostPort.substring(0, colon),
                    Integer.parseInt(hostPort.substring(colon + 1))), 2000);
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}

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
        Promoter.Result r = new Promoter(Clock.SYSTEM).execute(node, limit);
        out().println((r.promoted() ? "promoted: " : "already primary: ") + node.address() + " accepts writes on timeline "
                + r.timeline() + " (test write at " + r.writeLsn() + ", " + Durations.format(r.took()) + ")");
        return 0;
    }
}

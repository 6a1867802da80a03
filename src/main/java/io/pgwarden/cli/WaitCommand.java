package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.instance.ServerProbe;
import io.pgwarden.pg.ConnectionSpec;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden wait}: blocks until a server accepts connections. */
@Command(name = "wait", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Waits until PostgreSQL accepts connections, like pg_isready in a loop: a server that answers,"
                        + " even with a login error, is up; one that is starting up or unreachable is not.",
                "",
                "Examples:",
                "  pgwarden wait                              # 127.0.0.1:5432, 30 s",
                "  pgwarden wait --host db --port 5433 --timeout 2m",
                "  DATABASE_URL=postgresql://app@db/app pgwarden wait && ./migrate",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the server accepts connections", "1:timed out (the last reason is printed)",
                "2:invalid flag or environment variable"})
public final class WaitCommand extends AbstractCommand {
    @Mixin
    ServerConnectionFlags connection;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "How long to wait, e.g. 30s, 2m. Env: PGWARDEN_WAIT_TIMEOUT. Default: 30s.")
    String timeout;

    @Override
    protected int execute() throws Exception {
        ConfigSources sources = sources(null);
        Problems problems = new Problems();
        ConnectionSpec spec = connection.resolve(sources, problems);
        Duration limit = sources.resolve(problems, Duration.ofSeconds(30), InputParsers::positiveDuration,
                "--timeout", timeout, "PGWARDEN_WAIT_TIMEOUT");
        problems.throwIfAny();
        // each attempt must end well before the deadline, so a silent network cannot stretch the wait
        Duration attempt = limit.compareTo(ConnectionSpec.DEFAULT_CONNECT_TIMEOUT) < 0 ? Duration.ofSeconds(1)
                : ConnectionSpec.DEFAULT_CONNECT_TIMEOUT;
        ServerProbe.Answer a = ServerProbe.await(spec.withConnectTimeout(attempt), limit, Clock.SYSTEM);
        if (a.accepting()) {
            out().println("ready: " + spec.address() + " " + a.detail());
            return 0;
        }
        out().println("timeout: " + spec.address() + " did not accept connections within " + Durations.format(limit)
                + " (last: " + a.detail() + ")");
        return 1;
    }
}

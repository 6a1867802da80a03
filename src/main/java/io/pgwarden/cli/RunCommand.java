package io.pgwarden.cli;

import io.pgwarden.agent.RunAgent;
import io.pgwarden.agent.StopSignal;
import io.pgwarden.core.Clock;
import io.pgwarden.pg.BinariesResolver;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.SystemProcessRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pgwarden run}: the container entrypoint (PID 1) for a node that owns its PostgreSQL. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = VersionProvider.class,
        description = {"Runs a node that owns its PostgreSQL, as a container's entrypoint (PID 1).",
                "",
                "Order: the health server starts first (/liveness answers at once), then pgwarden resolves the binaries,"
                        + " tunes PostgreSQL for the container's memory and CPUs, initialises the data directory on first"
                        + " start (or reuses it), starts PostgreSQL under supervision (restarts after crashes with backoff),"
                        + " applies the migrations when the server is a primary, and keeps watching the migrations directory.",
                "SIGTERM (or Ctrl-C) stops PostgreSQL cleanly: smart, then fast after --stop-timeout, then immediate; then"
                        + " pgwarden exits 0. PostgreSQL's log goes to this process's output unless --server-log names a file.",
                "'pgwarden up' is this command with developer defaults (loopback only, server log in the data directory,"
                        + " health server on a free loopback port, result lines for a terminal).",
                "",
                "Binaries, first found wins: --pg-bin / PG_BINDIR, pg_config on PATH, the newest /usr/lib/postgresql/N/bin,"
                        + " else PostgreSQL --pg-version (default 18) from Maven Central, cached in PGWARDEN_CACHE"
                        + " (default ~/.cache/pgwarden; /var/cache/pgwarden as root). As root, PostgreSQL runs as 'postgres'.",
                "",
                "Examples:",
                "  # PGDATA, POSTGRES_MEMORY, MIGRATIONS_DIR from the environment:",
                "  pgwarden run",
                "  pgwarden run --data-dir /srv/pg --allow 10.0.0.0/8 \\",
                "      --migrations-dir /migrations --database app",
                "  pgwarden run --memory 2GB --workload oltp --health-port 8008 \\",
                "      --stop-timeout 20s",
                "  # clone, then follow:",
                "  PGPASSWORD=... pgwarden run --replica-of db-0.db:5432 --node-name db-1",
                ""})
public final class RunCommand extends AbstractCommand {
    @Mixin
    ServerOptions server;

    @Override
    protected int execute() throws InterruptedException {
        ServerOptions.Node node = server.settings(sources(server.config), ServerOptions.Defaults.CONTAINER);
        StopSignal stop = StopSignal.install();
        return new RunAgent(node.settings(), BinariesResolver.defaults(env(), System.err), new SystemProcessRunner(),
                Privileges.detect(null), Clock.SYSTEM).replicaOf(node.replicaOf()).run(stop);
    }
}

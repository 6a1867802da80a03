package io.pgwarden.cli;

import io.pgwarden.agent.RunAgent;
import io.pgwarden.agent.StopSignal;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.core.Clock;
import io.pgwarden.pg.BinariesResolver;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.SystemProcessRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code pgwarden up}: {@code run} with developer defaults: a tuned, supervised PostgreSQL on this machine,
 * initialised on first run, reporting each step as a line for a person at a terminal.
 */
@Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Starts a tuned PostgreSQL on this machine and keeps it running until Ctrl-C or SIGTERM.",
                "",
                "On first run it initialises the data directory (data checksums, locale C.UTF-8, UTF8, scram-sha-256)"
                        + " and generates a random superuser password, kept in <data-dir>/pgwarden.password (mode 0600);"
                        + " later runs reuse the directory. Settings pgwarden manages go to <data-dir>/pgwarden.conf;"
                        + " pg_hba.conf allows loopback (and --allow networks) only.",
                "It is 'pgwarden run' with developer defaults: it listens on 127.0.0.1 only, writes PostgreSQL's log to"
                        + " <data-dir>/log/postgresql.log, and serves the health endpoints on 127.0.0.1 at a free port"
                        + " (printed as 'health: <url>'; fix it with --health-port). --migrations-dir applies and watches"
                        + " migrations as run does.",
                "When PostgreSQL is ready it prints one line: 'ready: <url> (password file: <path>)'."
                        + " A crashed server is restarted with backoff (1 s, 2 s, 4 s ...); --max-restarts restarts are allowed"
                        + " within --restart-window, and the crash after them ends pgwarden with exit code 9.",
                "Ctrl-C or SIGTERM stops PostgreSQL (smart, then fast after --stop-timeout, then immediate) and exits 0.",
                "",
                "Binaries, first found wins: --pg-bin / PG_BINDIR, pg_config on PATH, the newest /usr/lib/postgresql/N/bin,"
                        + " else PostgreSQL --pg-version (default 18) from Maven Central, cached in PGWARDEN_CACHE"
                        + " (default ~/.cache/pgwarden; /var/cache/pgwarden as root). As root, PostgreSQL runs as 'postgres'.",
                "",
                "Examples:",
                "  pgwarden up",
                "  pgwarden up --data-dir /srv/pg --port 5433",
                "  pgwarden up --pg-version 17          # downloads 17 unless it is installed",
                "  pgwarden up --listen 0.0.0.0 --allow 10.0.0.0/8",
                "  pgwarden up --migrations-dir ./migrations --database app --health-port 8008",
                "  pgwarden up --data-dir /srv/replica --port 5434 --replica-of 127.0.0.1:5433 \\",
                "      --primary-password-file /srv/pg/pgwarden.password  # clone, follow",
                "  PGPASSWORD=$(cat pgwarden-data/pgwarden.password) \\",
                "      psql -h 127.0.0.1 -U postgres",
                ""})
public final class UpCommand extends AbstractCommand {
    static final String DEFAULT_DATA_DIR = "pgwarden-data";

    @Mixin
    ServerOptions server;

    @Override
    protected int execute() throws InterruptedException {
        ConfigSources sources = sources(server.config);
        ServerOptions.Node node = server.settings(sources, ServerOptions.Defaults.DEVELOPER);
        Privileges privileges = Privileges.detect(null);
        UpReport report = new UpReport(out(), err(), privileges, node.settings().health(), server.dataDirOrigin(sources));
        StopSignal stop = StopSignal.install();
        return new RunAgent(node.settings(), BinariesResolver.defaults(env(), System.err), new SystemProcessRunner(),
                privileges, Clock.SYSTEM).replicaOf(node.replicaOf()).observer(report).run(stop);
    }
}

package io.pgwarden.cli;

import io.pgwarden.agent.RejoinNode;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.core.Clock;
import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.Rejoiner;
import io.pgwarden.pg.BinariesResolver;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.topology.NodeAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden rejoin}: turns a former primary into a replica of the new one. */
@Command(name = "rejoin", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Turns this node (a former primary) into a streaming replica of the new primary. First, before anything"
                        + " is stopped or moved, it connects to --primary and checks that it is another node (not this one),"
                        + " a writable primary (not in recovery), of the same major and the same cluster (system identifier;"
                        + " another cluster only with --no-rewind). Then it stops this node cleanly if it"
                        + " runs, rewinds it with pg_rewind when the binaries have it and the directory allows it (data"
                        + " checksums or wal_log_hints), otherwise (or when pg_rewind fails) moves the old directory aside"
                        + " to <data-dir>.before-rejoin-<time> and clones afresh. It prints which, and why.",
                "The node keeps its own pgwarden.conf (port, listen addresses, tuning) and pg_hba.conf; standby.signal,"
                        + " primary_conninfo and primary_slot_name are written, and the role and slot are created on the"
                        + " new primary. Then the replica is started (detached; --no-start to leave that to"
                        + " 'pgwarden up --replica-of', whose complete command it prints) and rejoin waits until the new"
                        + " primary sees it streaming: only then does it print 'rejoined'. If a fresh clone fails, the old"
                        + " directory is moved back.",
                "pg_rewind needs the old primary's WAL back to the last checkpoint before the promotion: keep"
                        + " wal_keep_size large enough, or the rejoin falls back to a clone.",
                "The new primary's superuser password: --primary-password-file, PGPASSWORD, else this node's own"
                        + " <data-dir>/pgwarden.password (nodes of one cluster share it).",
                "",
                "Examples:",
                "  pgwarden rejoin --primary 10.0.0.2:5432",
                "  pgwarden rejoin --data-dir /srv/pg --primary 127.0.0.1:5434 --no-start",
                "  pgwarden rejoin --primary 10.0.0.2:5432 --no-rewind      # always clone afresh",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the node is a replica of the new primary", "1:the new primary did not answer, or the rewind/clone or the start failed",
                "2:invalid flag or environment variable, or --primary cannot be followed (this node, a replica, another"
                        + " major or cluster)", "8:a program or file is missing",
                "9:the replica did not start, or does not stream from the new primary within 60 s"})
public final class RejoinCommand extends AbstractCommand {
    @Option(names = "--primary", paramLabel = "HOST:PORT", description = "The new primary. Env: PGWARDEN_PRIMARY. Required.")
    String primary;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "This node's data directory. Env: PGDATA. Default: ./pgwarden-data.")
    String dataDir;

    @Option(names = "--pg-bin", paramLabel = "DIR",
            description = "Directory with the PostgreSQL programs (pg_rewind, pg_basebackup when present). Env: PG_BINDIR."
                    + " Default: as for 'pgwarden up', for the data directory's major.")
    String pgBin;

    @Option(names = "--no-rewind", description = "Do not try pg_rewind; clone afresh. Env: PGWARDEN_NO_REWIND=true.")
    Boolean noRewind;

    @Option(names = "--no-start", description = "Leave the replica stopped. Env: PGWARDEN_NO_START=true.")
    Boolean noStart;

    @Option(names = "--stop-timeout", paramLabel = "DURATION",
            description = "Time a running server gets for a fast shutdown before an immediate one. Env: PGWARDEN_STOP_TIMEOUT. Default: 10s.")
    String stopTimeout;

    @Mixin
    ReplicationFlags replication;

    @Override
    protected int execute() {
        ConfigSources sources = sources(null);
        Problems problems = new Problems();
        NodeAddress to = sources.resolve(problems, null, ReplicationFlags::address, "--primary", primary, "PGWARDEN_PRIMARY");
        if (to == null && problems.isEmpty()) {
            problems.add("--primary: required; name the new primary as HOST:PORT, e.g. --primary 10.0.0.2:5432");
        }
        Path data = sources.resolve(problems, Path.of(UpCommand.DEFAULT_DATA_DIR), InputParsers::path, "--data-dir", dataDir,
                "PGDATA").toAbsolutePath().normalize();
        Optional<Setting> binSetting = sources.find("--pg-bin", pgBin, BinariesResolver.ENV);
        Path bin = sources.resolve(problems, null, InputParsers::path, "--pg-bin", pgBin, BinariesResolver.ENV);
        boolean rewind = !sources.resolve(problems, false, Boolean::parseBoolean, "--no-rewind", flag(noRewind), "PGWARDEN_NO_REWIND");
        boolean start = !sources.resolve(problems, false, Boolean::parseBoolean, "--no-start", flag(noStart), "PGWARDEN_NO_START");
        Duration stop = sources.resolve(problems, InstanceConfig.DEFAULT_STOP_TIMEOUT, InputParsers::positiveDuration,
                "--stop-timeout", stopTimeout, "PGWARDEN_STOP_TIMEOUT");
        problems.throwIfAny();
        ReplicationFlags.Resolved r = replication.resolve(sources, problems, to, data, data.resolve(InstanceConfig.PASSWORD_FILE_NAME));
        problems.throwIfAny();

        RejoinNode.Result result = new RejoinNode(BinariesResolver.defaults(env(), System.err), new SystemProcessRunner(),
                Clock.SYSTEM).execute(new RejoinNode.Request(data, bin, binSetting.map(Setting::origin).orElse(null),
                        r.upstream(), r.primarySuperuser(), r.replicationPasswordFile(), rewind, stop, start), line -> {
                            out().println("rejoin: " + line);
                            out().flush();
                        }, new RejoinNode.Listener() {
                            @Override
                            public void prepared(Rejoiner.Result rejoined, String how) {
                                out().println("prepared: " + data + " is configured as a replica of "
                                        + r.upstream().address() + " by " + how);
                                out().flush();
                            }

                            @Override
                            public void started(io.pgwarden.instance.ServerProcess server, Path serverLog) {
                                out().println("started: replica of " + r.upstream().address() + " (pid " + server.pid()
                                        + ", detached; log " + serverLog + "); waiting until it streams");
                                out().flush();
                            }
                        });
        if (result.started() == null) {
            RejoinUpHint hint = new RejoinUpHint(data, result.portBeforeStop(), bin, result.major(), r.upstream(),
                    r.replicationPasswordFile(), r.primarySuperuser().user(), primaryPasswordFile(sources, data));
            out().println("not started (--no-start); start it supervised with: " + hint.render());
            return 0;
        }
        out().println("rejoined: " + data + " streams from " + r.upstream().address() + " on timeline " + result.timeline()
                + " by " + result.how());
        RejoinUpHint hint = new RejoinUpHint(data, result.portBeforeStop(), bin, result.major(), r.upstream(),
                r.replicationPasswordFile(), r.primarySuperuser().user(), primaryPasswordFile(sources, data));
        // up stops a server whose starting pgwarden is gone (this rejoin, once it exits) and starts it supervised
        out().println("not supervised: nothing restarts this detached server if it crashes; to supervise it, run: "
                + hint.render());
        return 0;
    }

    /**
     * The file the primary's password came from, as {@link ReplicationFlags} chose it: --primary-password-file, else
     * none when PGPASSWORD is set (up reads it too), else the node's own pgwarden.password when readable.
     */
    private Path primaryPasswordFile(ConfigSources sources, Path data) {
        Optional<Setting> given = sources.find("--primary-password-file", replication.primaryPasswordFile,
                "PGWARDEN_PRIMARY_PASSWORD_FILE");
        if (given.isPresent()) {
            return Path.of(given.get().value().strip()).toAbsolutePath().normalize();
        }
        Path own = data.resolve(InstanceConfig.PASSWORD_FILE_NAME);
        return sources.env("PGPASSWORD") == null && Files.isReadable(own) ? own : null;
    }

    private static String flag(Boolean b) {
        return b == null ? null : b.toString();
    }
}

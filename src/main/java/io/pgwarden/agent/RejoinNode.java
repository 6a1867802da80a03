package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.instance.DataDirectory;
import io.pgwarden.instance.InstanceConfig;
import io.pgwarden.instance.ManagedConfigReader;
import io.pgwarden.instance.PostgresLauncher;
import io.pgwarden.instance.PostmasterPid;
import io.pgwarden.instance.RejoinRequest;
import io.pgwarden.instance.Rejoiner;
import io.pgwarden.instance.ServerFiles;
import io.pgwarden.instance.ServerProcess;
import io.pgwarden.instance.StreamingWait;
import io.pgwarden.instance.Upstream;
import io.pgwarden.pg.BinariesRequest;
import io.pgwarden.pg.BinariesResolver;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.Privileges;
import io.pgwarden.pg.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * {@code pgwarden rejoin}: turns a stopped (or running) former primary into a replica of the new primary
 * ({@link Rejoiner}: pg_rewind, else a fresh clone) and starts it detached unless told not to. The wiring of the
 * capabilities (binaries for the directory's major, privileges, the launcher) lives here, not in the CLI.
 */
public final class RejoinNode {
    /**
     * What to rejoin.
     *
     * @param pgBin       the PostgreSQL programs' directory, or null to resolve them as 'up' does
     * @param pgBinOrigin where {@code pgBin} came from, for messages (null when not given)
     */
    public record Request(Path data, Path pgBin, String pgBinOrigin, Upstream upstream, ConnectionSpec primarySuperuser,
            Path replicationPasswordFile, boolean rewind, Duration stopTimeout, boolean start) {
    }

    /**
     * What happened.
     *
     * @param how            how it was done, e.g. {@code pg_rewind (...); slot 'node_a'}
     * @param portBeforeStop the port the server listened on before the rejoin stopped it, null when it was not running
     * @param major          the data directory's major version, null when unknown
     * @param started        the detached server, null with {@code start=false}
     * @param timeline       the timeline it streams on once the new primary sees it, null when not started
     */
    public record Result(Rejoiner.Result rejoined, String how, Integer portBeforeStop, Integer major, ServerProcess started,
            Integer timeline) {
    }

    /** Hears the steps worth a line of output. */
    public interface Listener {
        /** The directory is configured as a replica; {@code how} says by what. */
        void prepared(Rejoiner.Result rejoined, String how);

        /** The replica was started (detached); the rejoin now waits until the new primary sees it stream. */
        void started(ServerProcess server, Path serverLog);
    }

    private final BinariesResolver resolver;
    private final ProcessRunner runner;
    private final Clock clock;

    public RejoinNode(BinariesResolver resolver, ProcessRunner runner, Clock clock) {
        this.resolver = resolver;
        this.runner = runner;
        this.clock = clock;
    }

    /**
     * @param progress hears each step ("stopping the server", "pg_rewind ...")
     * @throws PgWardenException INVALID_INPUT when {@code data} is no data directory; the codes of binaries
     *         resolution, {@link Rejoiner} and the start otherwise
     */
    public Result execute(Request r, Consumer<String> progress, Listener listener) {
        DataDirectory dir = new DataDirectory(r.data());
        if (dir.state() != DataDirectory.State.INITIALIZED) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "--data-dir=" + r.data() + ": not a PostgreSQL data"
                    + " directory, so there is nothing to rejoin. Clone a new replica with 'pgwarden up --replica-of "
                    + r.upstream().address() + "'.");
        }
        PgBinaries binaries = resolver.resolve(new BinariesRequest(r.pgBin(),
                r.pgBinOrigin(), dir.version().orElse(null), "PG_VERSION of " + r.data()));
        Integer portBeforeStop = PostmasterPid.read(r.data()).map(PostmasterPid::port).filter(p -> p > 0).orElse(null);
        ServerFiles files = new ServerFiles(Privileges.detect(null));
        Rejoiner.Result result = new Rejoiner(runner, files, binaries, clock).execute(new RejoinRequest(r.data(),
                r.upstream(), r.primarySuperuser(), r.replicationPasswordFile(), r.rewind(), r.stopTimeout(), null), progress);
        Integer major = dir.version().map(io.pgwarden.core.PgVersion::major).orElse(null);
        String how = (result.method() == Rejoiner.Method.REWIND ? "pg_rewind" : "a fresh clone") + " (" + result.reason() + ")"
                + "; slot '" + r.upstream().slot() + "'";
        listener.prepared(result, how);
        if (!r.start()) {
            return new Result(result, how, portBeforeStop, major, null, null);
        }
        ServerProcess server = new PostgresLauncher(runner, files, binaries, launchConfig(r.data()), clock).start();
        Path serverLog = r.data().resolve("log/postgresql.log");
        listener.started(server, serverLog);
        // "rejoined" only once the new primary sees it stream: a node whose history forked off never gets there
        int timeline = new StreamingWait(clock).await(r.primarySuperuser(), r.upstream().applicationName(), serverLog,
                StreamingWait.DEFAULT_TIMEOUT);
        return new Result(result, how, portBeforeStop, major, server, timeline);
    }

    /** The launcher needs the directory, log and timeouts; port and settings come from the node's own pgwarden.conf. */
    private static InstanceConfig launchConfig(Path data) {
        int port = 5432;
        try {
            port = Integer.parseInt(ManagedConfigReader.settings(data).getOrDefault("port", "5432"));
        } catch (NumberFormatException e) {
            // the port is only used in messages here
        }
        return InstanceConfig.local(data, port);
    }
}

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
     * @param portBeforeStop the port the server listened on before the rejoin stopped it, null when it was not running
     * @param major          the data directory's major version, null when unknown
     * @param started        the detached server, null with {@code start=false}
     */
    public record Result(Rejoiner.Result rejoined, Integer portBeforeStop, Integer major, ServerProcess started) {
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
    public Result execute(Request r, Consumer<String> progress) {
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
        if (!r.start()) {
            return new Result(result, portBeforeStop, major, null);
        }
        ServerProcess server = new PostgresLauncher(runner, files, binaries, launchConfig(r.data()), clock).start();
        return new Result(result, portBeforeStop, major, server);
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

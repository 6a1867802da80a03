package io.pgwarden.topology;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points a PgBouncer at the primary: rewrites the {@code host}/{@code port} of every {@code [databases]} entry of
 * its pgbouncer.ini (atomically, preserving all other content, owner and mode) and issues {@code RELOAD} on its
 * admin console. Compares both the file and what PgBouncer actually runs with ({@code SHOW DATABASES}), so a RELOAD
 * that failed after the file was written is issued again on the next call. Read-only targets are not used
 * (PgBouncer sends every client to one host). Split brain changes nothing here.
 *
 * <p>The admin console is reached with {@code psql} (see {@link PgBouncerConsole} for why not pgjdbc); the user
 * must be in PgBouncer's {@code admin_users}.
 */
public final class PgBouncerEndpointPublisher implements EndpointPublisher {
    private static final Logger log = LoggerFactory.getLogger(PgBouncerEndpointPublisher.class);

    private final Path ini;
    private final ConnectionSpec admin;
    private final PgBouncerConsole console;

    /**
     * @param admin  the admin console: host, port, user (an admin_users entry), password
     * @param psql   the psql program that talks to the console ({@code psql} from PATH by default)
     */
    public PgBouncerEndpointPublisher(Path ini, ConnectionSpec admin, ProcessRunner runner, String psql) {
        this.ini = ini;
        this.admin = admin.withDatabase("pgbouncer");
        this.console = new PgBouncerConsole(runner, psql, this.admin);
    }

    @Override
    public String name() {
        return "pgbouncer " + ini + " (admin " + admin.address() + ")";
    }

    @Override
    public PublishResult publish(DesiredEndpoints endpoints, Instant now) {
        NodeAddress target = endpoints.primary();
        String current;
        try {
            current = Files.readString(ini, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "PgBouncer: cannot read " + ini + ": " + e
                    + "; check --pgbouncer-ini", e);
        }
        String wanted = PgBouncerIni.retarget(current, target);
        boolean fileChanged = !wanted.equals(current);
        if (fileChanged) {
            try {
                AtomicFiles.write(ini, wanted);
            } catch (IOException e) {
                throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "PgBouncer: cannot rewrite " + ini + ": " + e
                        + "; check that pgwarden may write it and its directory", e);
            }
        }
        boolean reload = fileChanged || !runningMatches(console.databases(), PgBouncerIni.targets(wanted));
        if (!reload) {
            return PublishResult.UNCHANGED;
        }
        try {
            console.reload();
        } catch (PgWardenException e) {
            throw fileChanged ? new PartlyPublishedException("PgBouncer: " + ini + " was rewritten for "
                    + target + " but " + e.getMessage().replaceFirst("^PgBouncer: ", ""), e) : e;
        }
        log.info("pgbouncer {}: [databases] now point at {}; RELOAD issued", ini, target);
        return PublishResult.CHANGED;
    }

    /** True when every named entry's host:port in the file is what PgBouncer currently runs with. */
    private static boolean runningMatches(Map<String, String> running, Map<String, String> wanted) {
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (!e.getKey().equals("*") && !e.getValue().equals(running.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void recordSplitBrain(List<NodeAddress> primaries, String reason, Instant now) {
        // PgBouncer has no place to show it; keeping clients on the last primary is the safe choice
    }
}

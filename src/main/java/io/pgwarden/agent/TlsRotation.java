package io.pgwarden.agent;

import io.pgwarden.core.Clock;
import io.pgwarden.instance.ServerFiles;
import io.pgwarden.instance.ServerTls;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks up a certificate rotated on disk (a renewed Secret, 'pgwarden certs' run by a job): when the source files
 * differ from the copies in the data directory and pass the same checks as at start, they are installed and
 * PostgreSQL reloads its configuration ({@code pg_reload_conf()}, i.e. SIGHUP), which re-reads the SSL files
 * without a restart: established connections, replication streams included, keep going. Files that do not pass
 * (a key written after its certificate, an expired certificate) are not installed; the problem is logged once and
 * checked again next cycle.
 */
final class TlsRotation {
    private static final Logger log = LoggerFactory.getLogger(TlsRotation.class);

    private final ServerTls tls;
    private final Path dataDir;
    private final ServerFiles files;
    private final ConnectionSpec superuser;
    private final Clock clock;
    private List<String> reported = List.of();

    TlsRotation(ServerTls tls, Path dataDir, ServerFiles files, ConnectionSpec superuser, Clock clock) {
        this.tls = tls;
        this.dataDir = dataDir;
        this.files = files;
        this.superuser = superuser;
        this.clock = clock;
    }

    /** One check; returns true when new files were installed and the server reloaded. */
    boolean cycle() throws IOException, SQLException {
        if (!tls.changedSince(dataDir)) {
            return false;
        }
        List<String> problems = tls.files().problems(clock.now());
        if (!problems.isEmpty()) {
            if (!problems.equals(reported)) {
                log.warn("TLS files changed on disk but are not installed (the server keeps its current certificate): {}",
                        String.join("; ", problems));
                reported = problems;
            }
            return false;
        }
        reported = List.of();
        tls.install(files, dataDir);
        try (Connection c = PgConnections.open(superuser); Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
        }
        log.info("TLS certificate {} changed on disk: installed in {} and PostgreSQL reloaded (no restart)",
                tls.files().certificate(), dataDir);
        return true;
    }
}

package io.pgwarden.health;

import java.time.Duration;
import java.util.List;

/**
 * The one immutable snapshot a health request reads: PostgreSQL, migration chains, agent loops, the TLS
 * certificate (null without TLS).
 * Every probe decision and the JSON document are computed from a single snapshot, so they never
 * contradict each other within a response.
 */
public record NodeStatus(PostgresStatus postgres, List<MigrationChainStatus> migrations, List<LoopStatus> loops,
        String version, Duration uptime, TlsCertificateStatus tls) {
    public NodeStatus {
        migrations = List.copyOf(migrations);
        loops = List.copyOf(loops);
    }

    /** A node without TLS. */
    public NodeStatus(PostgresStatus postgres, List<MigrationChainStatus> migrations, List<LoopStatus> loops,
            String version, Duration uptime) {
        this(postgres, migrations, loops, version, uptime, null);
    }
}

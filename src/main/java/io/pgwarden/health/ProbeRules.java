package io.pgwarden.health;

import io.pgwarden.pg.NodeRole;
import io.pgwarden.core.ByteSize;
import io.pgwarden.core.Durations;
import io.pgwarden.topology.LagLimit;

/**
 * The meaning of each probe endpoint, as a pure function of one {@link NodeStatus}. docs/agent.md
 * documents the same table; load balancers and Kubernetes route traffic on these answers.
 */
public final class ProbeRules {
    private ProbeRules() {
    }

    /**
     * Decides {@code endpoint} for {@code status}.
     *
     * @param maxLag the {@code ?lag=} limit for replicas, or null when not given
     */
    public static ProbeDecision evaluate(Endpoint endpoint, NodeStatus status, ByteSize maxLag) {
        return evaluate(endpoint, status, maxLag == null ? null : new LagLimit(maxLag.bytes(), null));
    }

    /**
     * Decides {@code endpoint} for {@code status}.
     *
     * @param maxLag the {@code ?lag=} limit for replicas (bytes or time, as --max-lag), or null when not given
     */
    public static ProbeDecision evaluate(Endpoint endpoint, NodeStatus status, LagLimit maxLag) {
        PostgresStatus pg = status.postgres();
        return switch (endpoint) {
            case LIVENESS -> liveness(status);
            case HEALTH -> pg.running() ? ProbeDecision.pass("PostgreSQL is running") : notRunning(pg);
            case PRIMARY -> primary(pg);
            case REPLICA -> replica(pg, maxLag);
            case READ_ONLY -> readOnly(pg, maxLag);
            case READINESS -> readiness(status, maxLag);
        };
    }

    private static ProbeDecision liveness(NodeStatus status) {
        for (LoopStatus loop : status.loops()) {
            if (!loop.alive()) {
                return ProbeDecision.fail("loop " + loop.name() + " has not completed a cycle for "
                        + Durations.format(loop.sinceLastBeat()) + " (limit " + Durations.format(loop.maxSilence())
                        + "); it is stuck");
            }
        }
        return ProbeDecision.pass(status.loops().isEmpty() ? "the agent is running"
                : "all " + status.loops().size() + " agent loops are running");
    }

    private static ProbeDecision primary(PostgresStatus pg) {
        if (!pg.running()) {
            return notRunning(pg);
        }
        if (pg.role() != NodeRole.PRIMARY) {
            return ProbeDecision.fail("PostgreSQL is a " + pg.role().label() + ", not a primary");
        }
        if (!Boolean.TRUE.equals(pg.writable())) {
            return ProbeDecision.fail("PostgreSQL is a primary but default_transaction_read_only is on");
        }
        return ProbeDecision.pass("PostgreSQL is a writable primary");
    }

    private static ProbeDecision replica(PostgresStatus pg, LagLimit maxLag) {
        if (!pg.running()) {
            return notRunning(pg);
        }
        if (pg.role() != NodeRole.REPLICA) {
            return ProbeDecision.fail("PostgreSQL is a " + pg.role().label() + ", not a replica");
        }
        ProbeDecision lag = lag(pg, maxLag);
        return lag != null ? lag : ProbeDecision.pass("PostgreSQL is a running replica" + lagSuffix(pg, maxLag));
    }

    private static ProbeDecision readOnly(PostgresStatus pg, LagLimit maxLag) {
        if (pg.running() && pg.role() == NodeRole.PRIMARY) {
            return ProbeDecision.pass("PostgreSQL is a primary, which also serves reads");
        }
        return replica(pg, maxLag);
    }

    private static ProbeDecision readiness(NodeStatus status, LagLimit maxLag) {
        PostgresStatus pg = status.postgres();
        if (!pg.running()) {
            return notRunning(pg);
        }
        for (MigrationChainStatus chain : status.migrations()) {
            if (chain.state() == ChainState.FAILED || chain.failed() > 0) {
                return ProbeDecision.fail("migration chain " + chain.chain() + " failed: " + chain.error());
            }
            if (!chain.upToDate()) {
                return ProbeDecision.fail("migration chain " + chain.chain() + " is " + chain.state().label() + " ("
                        + chain.pending() + " pending)");
            }
        }
        String migrations = status.migrations().isEmpty() ? "" : " and every migration chain is applied";
        if (pg.role() == NodeRole.REPLICA) {
            if (!pg.streaming()) {
                return ProbeDecision.fail("PostgreSQL is a replica that is not streaming from a primary");
            }
            ProbeDecision lag = lag(pg, maxLag);
            if (lag != null) {
                return lag;
            }
            return ProbeDecision.pass("PostgreSQL is a streaming replica" + lagSuffix(pg, maxLag) + migrations);
        }
        return ProbeDecision.pass("PostgreSQL accepts connections" + migrations);
    }

    /** A failing decision when {@code maxLag} is given and exceeded or unknown; null when within it. */
    private static ProbeDecision lag(PostgresStatus pg, LagLimit maxLag) {
        if (maxLag == null) {
            return null;
        }
        if (maxLag.maxBytes() != null) {
            ByteSize max = new ByteSize(maxLag.maxBytes());
            if (pg.lagBytes() == null) {
                return ProbeDecision.fail("replication lag is unknown, so it cannot be shown to be within " + max.toHuman());
            }
            if (pg.lagBytes() > max.bytes()) {
                return ProbeDecision.fail("replication lag " + new ByteSize(pg.lagBytes()).toHuman() + " exceeds lag="
                        + max.toHuman());
            }
        }
        if (maxLag.maxTime() != null) {
            if (pg.lagSeconds() == null) {
                return ProbeDecision.fail("replication lag is unknown, so it cannot be shown to be within "
                        + Durations.format(maxLag.maxTime()));
            }
            if (pg.lagSeconds() * 1000 > maxLag.maxTime().toMillis()) {
                return ProbeDecision.fail("replication lag " + seconds(pg.lagSeconds()) + " exceeds lag="
                        + Durations.format(maxLag.maxTime()));
            }
        }
        return null;
    }

    private static String lagSuffix(PostgresStatus pg, LagLimit maxLag) {
        if (maxLag == null) {
            return "";
        }
        return maxLag.maxBytes() != null
                ? " within lag=" + new ByteSize(maxLag.maxBytes()).toHuman() + " (lag " + new ByteSize(pg.lagBytes()).toHuman() + ")"
                : " within lag=" + Durations.format(maxLag.maxTime()) + " (lag " + seconds(pg.lagSeconds()) + ")";
    }

    private static String seconds(double s) {
        return String.format(java.util.Locale.ROOT, "%.1fs", s);
    }

    private static ProbeDecision notRunning(PostgresStatus pg) {
        return switch (pg.state()) {
            case NOT_PROBED -> ProbeDecision.fail("PostgreSQL has not been probed yet");
            case STOPPED -> ProbeDecision.fail("PostgreSQL was stopped by the agent");
            case STARTING -> ProbeDecision.fail("PostgreSQL is starting: " + (pg.phase() != null ? pg.phase() : pg.error()));
            case SHUTTING_DOWN -> ProbeDecision.fail("PostgreSQL is shutting down: " + pg.error());
            case DATABASE_MISSING -> ProbeDecision.fail("PostgreSQL runs but the database does not exist: " + pg.error());
            default -> ProbeDecision.fail("PostgreSQL is unreachable: " + pg.error());
        };
    }
}

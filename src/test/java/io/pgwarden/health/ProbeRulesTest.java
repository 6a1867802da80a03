package io.pgwarden.health;

import static io.pgwarden.health.Statuses.chain;
import static io.pgwarden.health.Statuses.node;
import static io.pgwarden.health.Statuses.primary;
import static io.pgwarden.health.Statuses.replica;
import static io.pgwarden.health.Statuses.unreachable;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.ByteSize;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeRulesTest {
    private static ProbeDecision eval(Endpoint e, NodeStatus s) {
        return ProbeRules.evaluate(e, s, (io.pgwarden.topology.LagLimit) null);
    }

    @Test
    void primaryPassesPrimaryReadOnlyHealthAndReadinessButNotReplica() {
        NodeStatus s = node(primary());
        assertThat(eval(Endpoint.PRIMARY, s)).isEqualTo(new ProbeDecision(true, "PostgreSQL is a writable primary"));
        assertThat(eval(Endpoint.REPLICA, s)).isEqualTo(new ProbeDecision(false, "PostgreSQL is a primary, not a replica"));
        assertThat(eval(Endpoint.READ_ONLY, s).pass()).isTrue();
        assertThat(eval(Endpoint.HEALTH, s).pass()).isTrue();
        assertThat(eval(Endpoint.READINESS, s)).isEqualTo(new ProbeDecision(true, "PostgreSQL accepts connections"));
    }

    @Test
    void readOnlyDefaultPrimaryIsNotAWritablePrimary() {
        PostgresStatus p = primary();
        PostgresStatus readOnly = new PostgresStatus(p.state(), p.role(), p.serverVersionNum(), false, p.timeline(),
                p.currentLsn(), null, null, false, 0L, 0.0, p.statistics(), null, p.observedAt());
        assertThat(eval(Endpoint.PRIMARY, node(readOnly)).reason())
                .isEqualTo("PostgreSQL is a primary but default_transaction_read_only is on");
    }

    @Test
    void replicaPassesReplicaAndReadOnlyAndFiltersOnLag() {
        NodeStatus s = node(replica(20L * ByteSize.MB, true));
        assertThat(eval(Endpoint.PRIMARY, s)).isEqualTo(new ProbeDecision(false, "PostgreSQL is a replica, not a primary"));
        assertThat(eval(Endpoint.REPLICA, s).pass()).isTrue();
        assertThat(ProbeRules.evaluate(Endpoint.REPLICA, s, ByteSize.ofMb(16)))
                .isEqualTo(new ProbeDecision(false, "replication lag 20 MB exceeds lag=16 MB"));
        assertThat(ProbeRules.evaluate(Endpoint.READ_ONLY, s, ByteSize.ofMb(16)).pass()).isFalse();
        assertThat(ProbeRules.evaluate(Endpoint.REPLICA, s, ByteSize.ofMb(32)).pass()).isTrue();
        assertThat(ProbeRules.evaluate(Endpoint.READINESS, s, ByteSize.ofMb(32)).reason())
                .isEqualTo("PostgreSQL is a streaming replica within lag=32 MB (lag 20 MB)");
    }

    @Test
    void aLagLimitInTimeUsesTheReplayDelay() {
        NodeStatus s = node(replica(20L * ByteSize.MB, true)); // 1.5 s behind
        assertThat(ProbeRules.evaluate(Endpoint.REPLICA, s, io.pgwarden.topology.LagLimit.parse("1s")))
                .isEqualTo(new ProbeDecision(false, "replication lag 1.5s exceeds lag=1s"));
        assertThat(ProbeRules.evaluate(Endpoint.READINESS, s, io.pgwarden.topology.LagLimit.parse("30s")).reason())
                .isEqualTo("PostgreSQL is a streaming replica within lag=30s (lag 1.5s)");
    }

    @Test
    void replicaThatDoesNotStreamIsNotReady() {
        NodeStatus s = node(replica(0L, false));
        assertThat(eval(Endpoint.READINESS, s))
                .isEqualTo(new ProbeDecision(false, "PostgreSQL is a replica that is not streaming from a primary"));
        assertThat(eval(Endpoint.REPLICA, s).pass()).isTrue();
    }

    @Test
    void unknownLagFailsOnlyWhenALimitIsGiven() {
        NodeStatus s = node(replica(null, true));
        assertThat(eval(Endpoint.REPLICA, s).pass()).isTrue();
        assertThat(ProbeRules.evaluate(Endpoint.REPLICA, s, ByteSize.ofMb(1)).reason())
                .isEqualTo("replication lag is unknown, so it cannot be shown to be within 1 MB");
    }

    @Test
    void unreachableServerFailsEveryPostgresProbeWithTheError() {
        NodeStatus s = node(unreachable("127.0.0.1:1: Connection refused (SQLSTATE 08001)"));
        for (Endpoint e : List.of(Endpoint.READINESS, Endpoint.PRIMARY, Endpoint.REPLICA, Endpoint.READ_ONLY,
                Endpoint.HEALTH)) {
            assertThat(eval(e, s)).as(e.name()).isEqualTo(new ProbeDecision(false,
                    "PostgreSQL is unreachable: 127.0.0.1:1: Connection refused (SQLSTATE 08001)"));
        }
        assertThat(eval(Endpoint.LIVENESS, s)).isEqualTo(new ProbeDecision(true, "the agent is running"));
        assertThat(eval(Endpoint.HEALTH, node(PostgresStatus.notProbed())).reason())
                .isEqualTo("PostgreSQL has not been probed yet");
    }

    @Test
    void readinessWaitsForEveryChainAndReportsAFailure() {
        assertThat(eval(Endpoint.READINESS, node(primary(), List.of(chain("app", ChainState.WAITING, 0, 3, 0, null)),
                List.of()))).isEqualTo(new ProbeDecision(false, "migration chain app is waiting (3 pending)"));
        String error = "Migration V2__bad.sql failed at line 1 (SQLSTATE 42601: syntax error)";
        assertThat(eval(Endpoint.READINESS, node(primary(), List.of(chain("app", ChainState.APPLIED, 2, 0, 0, null),
                chain("audit", ChainState.FAILED, 1, 1, 1, error)), List.of())))
                .isEqualTo(new ProbeDecision(false, "migration chain audit failed: " + error));
        assertThat(eval(Endpoint.READINESS, node(primary(), List.of(chain("app", ChainState.APPLIED, 2, 0, 0, null)),
                List.of()))).isEqualTo(new ProbeDecision(true,
                "PostgreSQL accepts connections and every migration chain is applied"));
        // the other endpoints do not depend on migrations
        assertThat(eval(Endpoint.PRIMARY, node(primary(), List.of(chain("a", ChainState.FAILED, 0, 1, 1, error)),
                List.of())).pass()).isTrue();
    }

    @Test
    void livenessFailsNamingTheStuckLoop() {
        NodeStatus s = node(unreachable("down"), List.of(), List.of(
                new LoopStatus("migrations", true, Duration.ofSeconds(1), Duration.ofSeconds(60), 0),
                new LoopStatus("supervisor", false, Duration.ofSeconds(95), Duration.ofSeconds(60), 2)));
        assertThat(eval(Endpoint.LIVENESS, s)).isEqualTo(new ProbeDecision(false,
                "loop supervisor has not completed a cycle for 1m35s (limit 1m); it is stuck"));
    }
}

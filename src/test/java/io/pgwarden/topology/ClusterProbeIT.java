package io.pgwarden.topology;

import io.pgwarden.pg.NodeRole;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.Clock;
import io.pgwarden.testing.TestBlackhole;
import io.pgwarden.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Probing a real server next to addresses that refuse, never answer a TCP connect (full accept queue) or accept
 * and never speak: each dead address becomes an unreachable node with its reason, and the live one is read fully.
 */
class ClusterProbeIT {
    /** Short so the test is quick; the live server on loopback answers in milliseconds. */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void deadAddressesAreReportedWithTheirReasonAndTheLiveNodeIsRead() {
        TestPostgres pg = TestPostgres.shared();
        int refused = TestPostgres.freePort();
        try (TestBlackhole unanswered = TestBlackhole.unanswered(); TestBlackhole silent = TestBlackhole.silent()) {
            List<NodeAddress> nodes = List.of(new NodeAddress("127.0.0.1", pg.port()), new NodeAddress("127.0.0.1", refused),
                    new NodeAddress("127.0.0.1", unanswered.port()), new NodeAddress("127.0.0.1", silent.port()));
            try (ClusterProbe probe = new ClusterProbe(nodes, new JdbcNodeProbe(pg.spec(), Clock.SYSTEM), TIMEOUT, Clock.SYSTEM)) {
                ClusterSnapshot s = probe.snapshot();

                NodeState live = s.nodes().get(0);
                assertThat(live.isPrimary()).isTrue();
                assertThat(live.timeline()).isEqualTo(1);
                assertThat(live.currentLsn()).isNotNull();
                assertThat(live.systemIdentifier()).matches("\\d+");
                assertThat(s.nodes().get(1)).satisfies(n -> {
                    assertThat(n.reachable()).isFalse();
                    assertThat(n.error()).isEqualTo("connection refused");
                });
                assertThat(s.nodes().subList(2, 4)).allSatisfy(n -> {
                    assertThat(n.reachable()).isFalse();
                    assertThat(n.role()).isEqualTo(NodeRole.UNKNOWN);
                    assertThat(n.error()).isEqualTo("no answer within 2s");
                });
                // the same probe object serves the next cycle while stuck connects from this one wind down
                assertThat(probe.snapshot().nodes().get(0).isPrimary()).isTrue();
            }
        }
    }
}

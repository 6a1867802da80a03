package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** --health-address / HEALTH_ADDRESS must be an address this machine can bind. */
class HealthOptionsTest {
    @Test
    void anAddressOfAnotherMachineIsReportedWithTheOtherProblemsBeforeAnythingStarts() {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a real machine
        CliRun r = CliRun.of(Map.of("HEALTH_ADDRESS", "192.0.2.1", "WAIT_TIMEOUT", "x"), "sidecar",
                "--database-url", "postgresql://app@127.0.0.1:1/app");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("\nHEALTH_ADDRESS=192.0.2.1: not an address of this machine; give one of its"
                + " addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (all)\n").contains("WAIT_TIMEOUT=x: ");
    }

    @Test
    void wildcardLoopbackAndLocalNamesAreAccepted() {
        assertThat(HealthOptions.localAddress("0.0.0.0").isAnyLocalAddress()).isTrue();
        assertThat(HealthOptions.localAddress("127.0.0.1").isLoopbackAddress()).isTrue();
        assertThat(HealthOptions.localAddress("localhost").isLoopbackAddress()).isTrue();
        assertThat(HealthOptions.localAddress("::").isAnyLocalAddress()).isTrue();
    }
}

package io.pgwarden.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodeAddressTest {
    @Test
    void portDefaultsTo5432AndNonDefaultPortsAreKept() {
        assertThat(NodeAddress.parseList("10.0.0.1, 10.0.0.2:5433,[fd00::3]:5434,db-4", 5432)).containsExactly(
                new NodeAddress("10.0.0.1", 5432), new NodeAddress("10.0.0.2", 5433), new NodeAddress("fd00::3", 5434),
                new NodeAddress("db-4", 5432));
        assertThat(new NodeAddress("fd00::3", 5434)).hasToString("[fd00::3]:5434");
    }

    @Test
    void wrongEntriesAreNamed() {
        assertThatThrownBy(() -> NodeAddress.parseList("10.0.0.1,10.0.0.2:54x", 5432))
                .hasMessage("'10.0.0.2:54x' has port '54x': expected a number from 1 to 65535");
        assertThatThrownBy(() -> NodeAddress.parseList("10.0.0.1,,10.0.0.2", 5432))
                .hasMessage("the node list has an empty entry; expected host[:port] entries separated by commas, e.g. 10.0.0.1,10.0.0.2:5433");
        assertThatThrownBy(() -> NodeAddress.parseList("10.0.0.1,10.0.0.1:5432", 5432))
                .hasMessage("'10.0.0.1:5432' is listed twice");
        assertThatThrownBy(() -> NodeAddress.parseList("10.0.0.1:70000", 5432))
                .hasMessage("'10.0.0.1:70000' has port 70000: expected a number from 1 to 65535");
    }

    @Test
    void lagLimitIsASizeOrADuration() {
        assertThat(LagLimit.parse("16MB")).isEqualTo(new LagLimit(16L * 1024 * 1024, null));
        assertThat(LagLimit.parse("4096")).isEqualTo(new LagLimit(4096L, null));
        assertThat(LagLimit.parse("30s")).isEqualTo(new LagLimit(null, Duration.ofSeconds(30)));
        assertThat(LagLimit.parse("1m")).isEqualTo(new LagLimit(null, Duration.ofMinutes(1)));
        assertThatThrownBy(() -> LagLimit.parse("lots")).hasMessage("expected a size such as 16MB or a duration such as 30s");
    }
}

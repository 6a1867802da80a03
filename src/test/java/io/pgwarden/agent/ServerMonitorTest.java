package io.pgwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.pg.NodeRole;
import io.pgwarden.health.PostgresState;
import io.pgwarden.health.PostgresStatus;
import io.pgwarden.health.PostgresStatusSupplier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** The monitor loop on scripted observations: its reasons, and when it runs what the server's return asks for. */
class ServerMonitorTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private final Deque<PostgresStatus> observed = new ArrayDeque<>();
    private int returns;
    private boolean failReturn;

    private final PostgresStatusSupplier postgres = new PostgresStatusSupplier() {
        @Override
        public PostgresStatus current() {
            return observed.size() > 1 ? observed.pop() : observed.peek();
        }

        @Override
        public PostgresStatus lastKnown() {
            return observed.peek();
        }
    };

    private final ServerMonitor monitor = new ServerMonitor(postgres, "127.0.0.1:5432", () -> {
        returns++;
        if (failReturn) {
            throw new IllegalStateException("cannot create the database");
        }
    }, Duration.ofSeconds(10));

    private static PostgresStatus running() {
        return new PostgresStatus(PostgresState.RUNNING, NodeRole.PRIMARY, 150008, true, 1L, null, null, null, false,
                0L, 0.0, null, null, AT);
    }

    @Test
    void reportsWhatItSeesAndRunsTheReturnActionOncePerReturn() {
        observed.add(PostgresStatus.down(PostgresState.UNREACHABLE, "connection refused", AT));
        ServerMonitor.Observation away = monitor.cycle();
        assertThat(away.reason()).isEqualTo("PostgreSQL at 127.0.0.1:5432 is unreachable: connection refused;"
                + " readiness is 503 until it returns");
        assertThat(away.level()).isEqualTo(CycleResult.Level.WARN);
        assertThat(returns).isZero();

        observed.clear();
        observed.add(running());
        ServerMonitor.Observation back = monitor.cycle();
        assertThat(back.reason()).isEqualTo("PostgreSQL at 127.0.0.1:5432 accepts connections (running)");
        assertThat(back.level()).isEqualTo(CycleResult.Level.INFO);
        monitor.cycle();
        assertThat(returns).as("once per return, not per cycle").isEqualTo(1);

        observed.clear();
        observed.add(PostgresStatus.down(PostgresState.UNREACHABLE, "connection refused", AT));
        monitor.cycle();
        observed.clear();
        observed.add(running());
        monitor.cycle();
        assertThat(returns).isEqualTo(2);
        assertThat(monitor.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(monitor.name()).isEqualTo("monitor");
    }

    @Test
    void aFailedReturnActionRunsAgainOnTheNextCycle() {
        observed.add(running());
        failReturn = true;
        assertThatThrownBy(monitor::cycle).hasMessage("cannot create the database");
        failReturn = false;
        monitor.cycle();
        monitor.cycle();
        assertThat(returns).isEqualTo(2);
    }
}

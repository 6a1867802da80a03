package io.pgwarden.health;

import io.pgwarden.testing.SteppingClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopHeartbeatTest {
    private final SteppingClock clock = new SteppingClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LoopRegistry loops = new LoopRegistry(clock, meters);

    @Test
    void aLoopThatStopsBeatingIsReportedStuckAfterItsMaxSilence() {
        LoopHeartbeat hb = loops.register("migrations", Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(30));
        assertThat(hb.status().alive()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(hb.status()).isEqualTo(new LoopStatus("migrations", false, Duration.ofMillis(30_001),
                Duration.ofSeconds(30), 0));
        hb.runCycle(() -> { });
        assertThat(hb.status().alive()).isTrue();
    }

    @Test
    void aCycleBlockedLongerThanMaxSilenceIsStuckWhileItRuns() {
        LoopHeartbeat hb = loops.register("supervisor", Duration.ofSeconds(10));
        hb.runCycle(() -> {
            clock.advance(Duration.ofSeconds(11));
            assertThat(hb.status().alive()).isFalse();
        });
        assertThat(hb.status().alive()).isTrue();
        assertThat(meters.get("pgwarden.loop.duration").tag("loop", "supervisor").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(11_000.0);
    }

    @Test
    void aFailingCycleIsCountedAndTheLoopGoesOn() {
        LoopHeartbeat hb = loops.register("watch", Duration.ofSeconds(10));
        assertThat(hb.runCycle(() -> {
            throw new IllegalStateException("boom");
        })).isFalse();
        assertThat(hb.runCycle(() -> { })).isTrue();
        assertThat(hb.status().errors()).isEqualTo(1);
        assertThat(meters.get("pgwarden.loop.errors").tag("loop", "watch").counter().count()).isEqualTo(1.0);
    }

    @Test
    void registryListsLoopsByNameAndRejectsDuplicates() {
        loops.register("b", Duration.ofSeconds(1));
        LoopHeartbeat a = loops.register("a", Duration.ofSeconds(1));
        assertThat(loops.statuses()).extracting(LoopStatus::name).containsExactly("a", "b");
        assertThatThrownBy(() -> loops.register("a", Duration.ofSeconds(1)))
                .hasMessage("loop a is already registered");
        loops.unregister(a);
        assertThat(loops.statuses()).extracting(LoopStatus::name).containsExactly("b");
    }
}

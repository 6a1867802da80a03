package io.pgwarden.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.testing.InMemoryCoordination;
import io.pgwarden.testing.SteppingClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The contract on the in-memory fake, with TTLs on a stepping clock; plus its fault injection. */
class InMemoryCoordinationStoreTest extends CoordinationStoreContract {
    private final SteppingClock clock = new SteppingClock();
    private final InMemoryCoordination backend = new InMemoryCoordination(clock);

    @Override
    protected CoordinationStore newStore(String cluster, String member, Duration ttl) {
        return backend.store(cluster, member, ttl);
    }

    @Override
    protected void afterTtl(Runnable assertion) {
        clock.advance(ttl().plusMillis(1));
        assertion.run();
    }

    @Test
    void keysLiveExactlyOneTtlAfterTheLastRenewal() {
        CoordinationStore a = store("a");
        a.acquireLeader();
        clock.advance(Duration.ofMillis(1500));
        a.renewLeader(new LeaderStatus("a", 1, io.pgwarden.core.Lsn.ZERO));
        clock.advance(Duration.ofMillis(1999));
        assertThat(a.read().leaderName()).as("1.999 s after the renewal").contains("a");
        clock.advance(Duration.ofMillis(1));
        assertThat(a.read().leader()).as("2 s after the renewal").isEmpty();
    }

    @Test
    void aCutOffMemberGetsCoordinationUnavailableAfterItsCallTimeoutAndRecovers() {
        CoordinationStore a = store("a");
        a.acquireLeader();
        backend.cutOff("a");
        long before = clock.nanoTime();
        assertThatThrownBy(a::read).isInstanceOfSatisfying(PgWardenException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.COORDINATION_UNAVAILABLE))
                .hasMessageContaining("reading the cluster timed out after 400ms");
        assertThat(Duration.ofNanos(clock.nanoTime() - before)).isEqualTo(a.settings().callTimeout());
        backend.heal("a");
        assertThat(a.read().leaderName()).contains("a");
    }

    @Test
    void failNextCallsFailsExactlyThatMany() {
        CoordinationStore a = store("a");
        backend.failNextCalls("a", 1);
        assertThatThrownBy(a::acquireLeader).isInstanceOf(PgWardenException.class);
        assertThat(a.acquireLeader().ours()).isTrue();
    }
}

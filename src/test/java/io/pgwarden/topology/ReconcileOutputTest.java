package io.pgwarden.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.Lsn;
import io.pgwarden.core.PgWardenException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What reconcile prints per publisher and in its summary line: changed, unchanged, failed, changed-then-failed. */
class ReconcileOutputTest {
    private static final NodeAddress A = new NodeAddress("10.0.0.1", 5432);
    private static final String REASON = "primary 10.0.0.1:5432 (timeline 1); read-only none";

    private static ClusterSnapshot onePrimary() {
        return ClusterSnapshot.of(Instant.EPOCH, Duration.ZERO,
                List.of(NodeState.primary(A, 1, "1", Lsn.parse("0/1000"), 0, Duration.ZERO)));
    }

    private static ReconcileResult reconcile(EndpointPublisher... publishers) {
        return new ReconcileCommand(ReconcileOutputTest::onePrimary, new TopologyDecider(LagLimit.NONE),
                List.of(publishers), Clock.SYSTEM).execute();
    }

    @Test
    void aPublisherThatWroteThenFailedIsReportedAsChangedThenFailed() {
        ReconcileResult r = reconcile(
                publisher("file /run/t.json", () -> PublishResult.UNCHANGED),
                publisher("pgbouncer /etc/pgbouncer.ini", () -> {
                    throw new PartlyPublishedException("PgBouncer: /etc/pgbouncer.ini was rewritten for 10.0.0.1:5432 but "
                            + "'RELOAD' failed", null);
                }));

        assertThat(r.summary()).isEqualTo("changed: " + REASON + "; publisher pgbouncer /etc/pgbouncer.ini failed: "
                + "PgBouncer: /etc/pgbouncer.ini was rewritten for 10.0.0.1:5432 but 'RELOAD' failed");
        assertThat(r.publishers()).extracting(Object::toString).containsExactly(
                "file /run/t.json: UNCHANGED",
                "pgbouncer /etc/pgbouncer.ini: CHANGED, then FAILED PgBouncer: /etc/pgbouncer.ini was rewritten for "
                        + "10.0.0.1:5432 but 'RELOAD' failed");
        assertThat(r.changed()).isTrue();
        assertThat(r.exitCode()).isEqualTo(4);
    }

    @Test
    void aFailureBeforeAnyWriteIsPublishFailedNotUnchanged() {
        ReconcileResult r = reconcile(publisher("file /run/t.json", () -> {
            throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "Cannot write endpoints file /run/t.json: denied");
        }));

        assertThat(r.summary()).isEqualTo("publish failed: " + REASON
                + "; publisher file /run/t.json failed: Cannot write endpoints file /run/t.json: denied");
        assertThat(r.publishers()).extracting(Object::toString)
                .containsExactly("file /run/t.json: FAILED Cannot write endpoints file /run/t.json: denied");
        assertThat(r.changed()).isFalse();
        assertThat(r.exitCode()).isEqualTo(4);
    }

    @Test
    void successIsChangedOrUnchanged() {
        ReconcileResult changed = reconcile(publisher("file /a", () -> PublishResult.CHANGED),
                publisher("file /b", () -> PublishResult.UNCHANGED));
        ReconcileResult unchanged = reconcile(publisher("file /b", () -> PublishResult.UNCHANGED));

        assertThat(changed.summary()).isEqualTo("changed: " + REASON);
        assertThat(changed.publishers()).extracting(Object::toString).containsExactly("file /a: CHANGED", "file /b: UNCHANGED");
        assertThat(unchanged.summary()).isEqualTo("unchanged: " + REASON);
        assertThat(unchanged.exitCode()).isZero();
    }

    private static EndpointPublisher publisher(String name, Supplier<PublishResult> publish) {
        return new EndpointPublisher() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PublishResult publish(DesiredEndpoints endpoints, Instant now) {
                return publish.get();
            }

            @Override
            public void recordSplitBrain(List<NodeAddress> primaries, String reason, Instant now) {
            }
        };
    }

    @Test
    void splitBrainSaysItOnceAndWhatWasWritten() {
        NodeAddress b = new NodeAddress("10.0.0.2", 5432);
        ReconcileResult r = new ReconcileCommand(() -> ClusterSnapshot.of(Instant.EPOCH, Duration.ZERO, List.of(
                NodeState.primary(A, 1, "1", Lsn.parse("0/1000"), 0, Duration.ZERO),
                NodeState.primary(b, 2, "1", Lsn.parse("0/2000"), 0, Duration.ZERO))),
                new TopologyDecider(LagLimit.NONE), List.of(publisher("file /run/t.json", () -> PublishResult.CHANGED)),
                Clock.SYSTEM).execute();
        assertThat(r.summary()).startsWith("split brain: 2 primaries").doesNotContain("split brain: split brain");
        assertThat(r.publishers()).extracting(Object::toString)
                .containsExactly("file /run/t.json: routing UNCHANGED, split brain recorded");
        assertThat(r.exitCode()).isEqualTo(3);
    }
}

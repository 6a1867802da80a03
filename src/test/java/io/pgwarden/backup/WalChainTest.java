package io.pgwarden.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.Lsn;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** WAL names, timeline histories and how far a chain of archived segments reaches. */
class WalChainTest {
    private static final Instant T = Instant.parse("2026-12-03T14:00:00Z");

    @Test
    void segmentNamesAndNumbers() {
        assertThat(WalNames.segmentOf(1, Lsn.parse("0/3000148"))).isEqualTo("000000010000000000000003");
        assertThat(WalNames.segmentOf(2, Lsn.parse("1/FF000000"))).isEqualTo("0000000200000001000000FF");
        assertThat(WalNames.segmentNumber("0000000100000001000000FF") + 1)
                .isEqualTo(WalNames.segmentNumber("000000010000000200000000"));
        assertThat(WalNames.endOf("000000010000000000000003")).isEqualTo(Lsn.parse("0/4000000"));
        assertThat(WalNames.isArchivable("00000002.history")).isTrue();
        assertThat(WalNames.isArchivable("000000010000000000000003.00000028.backup")).isTrue();
        assertThat(WalNames.isArchivable("../etc/passwd")).isFalse();
    }

    @Test
    void theChainFollowsTheTargetTimelineAndStopsAtTheFirstGap() {
        TimelineHistory h = TimelineHistory.parse(2, "1\t0/5000A28\tno recovery target specified\n");
        assertThat(h.contains(1)).isTrue();
        assertThat(h.endOf(1)).isEqualTo(Lsn.parse("0/5000A28"));
        assertThat(h.timelineFor(4)).isEqualTo(1);
        assertThat(h.timelineFor(5)).as("the segment holding the switch is read from the new timeline").isEqualTo(2);

        Map<String, Instant> archived = new HashMap<>();
        for (int n = 3; n <= 4; n++) {
            archived.put(WalNames.segmentName(1, n), T.plusSeconds(n));
        }
        archived.put(WalNames.segmentName(1, 5), T); // the old timeline's copy: not on the way to timeline 2
        archived.put(WalNames.segmentName(2, 5), T.plusSeconds(5));
        archived.put(WalNames.segmentName(2, 6), T.plusSeconds(6));
        archived.put(WalNames.segmentName(2, 8), T.plusSeconds(8)); // after a gap
        WalChain chain = WalChain.from("000000010000000000000003", h, archived);
        assertThat(chain.lastSegment()).isEqualTo("000000020000000000000006");
        assertThat(chain.firstMissing()).isEqualTo("000000020000000000000007");
        assertThat(chain.end()).isEqualTo(Lsn.parse("0/7000000"));
        assertThat(chain.lastArchivedAt()).isEqualTo(T.plusSeconds(6));
        assertThat(chain.reaches(Lsn.parse("0/6FFFFFF"))).isTrue();
        assertThat(chain.reaches(Lsn.parse("0/7000000"))).isFalse();

        WalChain onOne = WalChain.from("000000010000000000000003", TimelineHistory.none(1), archived);
        assertThat(onOne.lastSegment()).isEqualTo("000000010000000000000005");
    }
}

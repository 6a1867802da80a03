package io.pgwarden.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {
    @Test
    void everyProblemIsNamedWithItsFlagAndValue() {
        assertThatThrownBy(() -> new StoreSettings("Prod_DB", "-a", Duration.ofSeconds(1), Duration.ofMillis(100)))
                .isInstanceOfSatisfying(PgWardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("--cluster (PGWARDEN_CLUSTER)=Prod_DB: use 1-63 lowercase letters, digits and '-'")
                .hasMessageContaining("--node-name (PGWARDEN_NODE_NAME)=-a: use 1-63 lowercase")
                .hasMessageContaining("ttl=1s: at least 2s is required");
    }

    @Test
    void theCallTimeoutMustLeaveRoomForARetryInsideTheTtl() {
        assertThatThrownBy(() -> new StoreSettings("c", "a", Duration.ofSeconds(3), Duration.ofMillis(1001)))
                .hasMessage("store call timeout=1.0s: must be positive and at most a third of the ttl (3s), so a"
                        + " renewal can fail once and be retried before the key expires");
        assertThat(StoreSettings.of("c", "a", Duration.ofSeconds(10)).callTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aKeyHoldingSomethingElseIsReportedWithItsName() {
        assertThatThrownBy(() -> StoreCodec.decode(SharedKey.CONFIG, "/pgwarden/c/config", "{\"ttl_ms\": 5"))
                .isInstanceOfSatisfying(PgWardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith("/pgwarden/c/config holds '{\"ttl_ms\": 5', which pgwarden cannot read (")
                .hasMessageEndingWith("delete the key or write it again with pgwarden");
        assertThatThrownBy(() -> StoreCodec.decode(SharedKey.SYNC, "/pgwarden/c/sync", "[1]"))
                .hasMessage("/pgwarden/c/sync holds '[1]', not a JSON object; delete the key or write it again with pgwarden");
    }
}

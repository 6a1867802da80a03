package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgwarden.core.ByteSize;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The disk rule of the health check: a warning only when free space is below 10% AND below 100 MB. */
class HealthCheckTest {
    private final Path dir = Path.of("/data");

    @Test
    void lowOnBothCountsIsAWarning() {
        assertThat(HealthCheck.diskFinding(dir, 50 * ByteSize.MB, 10 * ByteSize.GB))
                .isEqualTo("!low disk space: 50 MB free (0%) on the file system of /data (below 10% and below 100 MB)");
    }

    @Test
    void aSmallDiskWithTenPercentFreeIsFine() {
        assertThat(HealthCheck.diskFinding(dir, 60 * ByteSize.MB, 500 * ByteSize.MB))
                .isEqualTo("60 MB free (12%) on the file system of /data");
    }

    @Test
    void aLargeDiskWithMoreThan100MbFreeIsFine() {
        assertThat(HealthCheck.diskFinding(dir, 2 * ByteSize.GB, 100 * ByteSize.GB))
                .isEqualTo("2 GB free (2%) on the file system of /data");
    }
}

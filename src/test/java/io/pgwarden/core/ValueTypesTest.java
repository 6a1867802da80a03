package io.pgwarden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValueTypesTest {
    @Test
    void byteSizeParsesWhatUsersWrite() {
        assertThat(ByteSize.parse("1536MB", ByteSize.MB).toMb()).isEqualTo(1536);
        assertThat(ByteSize.parse("2GB", ByteSize.MB).toMb()).isEqualTo(2048);
        assertThat(ByteSize.parse("1.5GiB", ByteSize.MB).toMb()).isEqualTo(1536);
        assertThat(ByteSize.parse("1024", ByteSize.MB).toMb()).isEqualTo(1024);
        assertThatThrownBy(() -> ByteSize.parse("abc", ByteSize.MB)).hasMessageContaining("512MB");
        assertThatThrownBy(() -> ByteSize.parse("2XB", ByteSize.MB)).hasMessageContaining("unknown unit 'XB'");
    }

    @Test
    void byteSizeRendersAsPostgresqlConfDoes() {
        assertThat(ByteSize.ofMb(384).toPgString()).isEqualTo("384MB");
        assertThat(ByteSize.ofMb(2048).toPgString()).isEqualTo("2GB");
        assertThat(ByteSize.ofKb(1536).toPgString()).isEqualTo("1536kB");
        assertThat(ByteSize.ofMb(1536).toHuman()).isEqualTo("1.5 GB");
    }

    @Test
    void lsnRoundTripsAndMeasuresLag() {
        Lsn a = Lsn.parse("16/B374D848");
        assertThat(a.toString()).isEqualTo("16/B374D848");
        assertThat(a.bytesAfter(Lsn.parse("16/B374D800"))).isEqualTo(0x48);
        assertThatThrownBy(() -> Lsn.parse("xyz")).hasMessageContaining("not an LSN");
    }

    @Test
    void versionsParseFromServerOutput() {
        assertThat(PgVersion.parse("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)").major()).isEqualTo(15);
        assertThat(PgVersion.parse("18beta1").major()).isEqualTo(18);
        assertThatThrownBy(() -> PgVersion.parse("9")).hasMessageContaining("not supported");
    }

    @Test
    void durations() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("10")).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> Durations.parse("10 parsecs")).hasMessageContaining("500ms");
    }

    @Test
    void secretsAreMaskedInUrlsAndKeyValueStrings() {
        assertThat(Secrets.mask("postgresql://app:s3cr%40t@db:5432/x")).isEqualTo("postgresql://app:****@db:5432/x");
        assertThat(Secrets.mask("host=db password='a b' user=x")).isEqualTo("host=db password=**** user=x");
        assertThat(Secrets.mask("jdbc:postgresql://db/x?user=a&password=hunter2&ssl=true"))
                .doesNotContain("hunter2");
        assertThat(Secrets.mask("password: hunter2")).isEqualTo("password: ****");
        assertThat(Secrets.mask("spring.datasource.password=hunter2")).isEqualTo("spring.datasource.password=****");
        assertThat(Secrets.mask("--password-file=/data/pgwarden.password: already exists; remove it"))
                .isEqualTo("--password-file=/data/pgwarden.password: already exists; remove it");
        assertThat(new PgWardenException(ErrorCode.FAILED, "cannot reach postgres://u:pw@h/d").getMessage())
                .doesNotContain(":pw@");
    }
}

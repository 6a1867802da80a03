package io.pgwarden.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class EtcdEndpointsTest {
    private static final String FLAG = "--etcd-endpoints (ETCD_ENDPOINTS)";

    @Test
    void commaSeparatedUrlsAreParsed() {
        assertThat(EtcdEndpoints.parse(FLAG, "http://10.0.0.5:2379, https://etcd-1:2379/"))
                .containsExactly(URI.create("http://10.0.0.5:2379"), URI.create("https://etcd-1:2379/"));
    }

    @Test
    void everyBadEntryIsNamedAndAnEmptyListIsRefused() {
        assertThatThrownBy(() -> EtcdEndpoints.parse(FLAG, "10.0.0.5:2379,http://etcd,http://u:secret@e:2379"))
                .hasMessageContaining(FLAG + ": '10.0.0.5:2379' is not an etcd client URL such as http://10.0.0.5:2379")
                .hasMessageContaining("'http://etcd' is not")
                .hasMessageContaining("'http://u:****@e:2379' is not").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> EtcdEndpoints.parse(FLAG, " , "))
                .hasMessage(FLAG + "= , : give at least one etcd client URL, e.g. http://10.0.0.5:2379,http://10.0.0.6:2379");
    }
}

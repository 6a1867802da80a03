package io.pgwarden.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrivilegesTest {
    @Test
    void asRootServerProgramsGoThroughSetprivAsTheServerUser() {
        Privileges root = new Privileges(true, "postgres", 0, "root");
        assertThat(root.asServerUser(List.of("postgres", "-D", "d")))
                .containsExactly("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", "postgres", "-D", "d");
        assertThat(root.effectiveServerUser()).isEqualTo("postgres");
        assertThat(root.uid()).isZero();
    }

    @Test
    void unprivilegedServerProgramsRunAsThisUserWithoutSetpriv() {
        Privileges app = new Privileges(false, "postgres", 4242, "app");
        assertThat(app.asServerUser(List.of("postgres", "-D", "d"))).containsExactly("postgres", "-D", "d");
        assertThat(app.effectiveServerUser()).isEqualTo("app");
        assertThat(app.uid()).isEqualTo(4242);
    }

    @Test
    void aUidWithoutPasswdEntryIsNamedByItsNumber() {
        // the JVM reports user.name "?" for a uid with no passwd entry (OpenShift's arbitrary uids)
        assertThat(Privileges.userNameOrUid("?", 1000650000)).isEqualTo("uid 1000650000");
        assertThat(Privileges.userNameOrUid("", 1000650000)).isEqualTo("uid 1000650000");
        assertThat(Privileges.userNameOrUid(null, 1000650000)).isEqualTo("uid 1000650000");
        assertThat(Privileges.userNameOrUid("postgres", 101)).isEqualTo("postgres");
    }

    @Test
    void detectSeesThisProcess() {
        Privileges detected = Privileges.detect(null);
        assertThat(detected.uid()).isEqualTo(Privileges.currentUid());
        assertThat(detected.isRoot()).isEqualTo(Privileges.currentUid() == 0);
        assertThat(detected.effectiveServerUser()).isEqualTo(detected.isRoot() ? "postgres" : System.getProperty("user.name"));
    }
}

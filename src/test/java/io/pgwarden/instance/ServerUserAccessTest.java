package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ownership rules on real directories. Whether an unprivileged user may create entries is the kernel's
 * answer (access(2)), which a root test JVM cannot ask for another user: UnprivilegedIT covers that as postgres.
 */
class ServerUserAccessTest {
    @TempDir
    Path tmp;

    @Test
    void asRootTheServerUserMustExist() {
        Privileges root = new Privileges(true, "pgwarden-no-such-user", 0, "root");
        assertThatThrownBy(() -> new ServerUserAccess(root).check(tmp.resolve("data"), DataDirectory.State.MISSING,
                tmp.resolve("data/pgwarden.password")))
                .isInstanceOfSatisfying(PgWardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENVIRONMENT))
                .hasMessage("PostgreSQL refuses to run as root, so pgwarden, running as root, starts it as"
                        + " 'pgwarden-no-such-user', but this system has no user 'pgwarden-no-such-user'. Create it (e.g."
                        + " useradd --system --home-dir /var/lib/postgresql pgwarden-no-such-user), or run pgwarden as an"
                        + " unprivileged user (USER in a Dockerfile, runAsUser on Kubernetes); it then runs PostgreSQL as"
                        + " that user.");
    }

    @Test
    void asRootExistingDirectoriesAreLeftToBeHandedOverOrJudgedByPostgres() throws IOException {
        // new and empty directories are given to the server user; PostgreSQL itself refuses a foreign-owned data directory
        Path data = Files.createDirectory(tmp.resolve("data"));
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        Privileges root = new Privileges(true, "postgres", 0, "root");
        assertThatCode(() -> new ServerUserAccess(root).check(data, DataDirectory.State.INITIALIZED,
                data.resolve("pgwarden.password"))).doesNotThrowAnyException();
        assertThatCode(() -> new ServerUserAccess(root).check(tmp.resolve("new"), DataDirectory.State.MISSING,
                tmp.resolve("elsewhere/pgwarden.password"))).doesNotThrowAnyException();
    }

    @Test
    void unprivilegedAnExistingDirectoryMustBelongToThisUid() throws IOException {
        Path volume = Files.createDirectory(tmp.resolve("volume"));
        String owner = Files.getOwner(volume).getName();
        long uid = ((Number) Files.getAttribute(volume, "unix:uid")).longValue();
        Privileges app = new Privileges(false, "postgres", uid + 4242, "app");
        assertThatThrownBy(() -> new ServerUserAccess(app).check(volume, DataDirectory.State.EMPTY,
                volume.resolve("pgwarden.password")))
                .isInstanceOfSatisfying(PgWardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENVIRONMENT))
                .hasMessage("--data-dir=" + volume + ": the directory is owned by " + owner + " (uid " + uid + "), but"
                        + " pgwarden runs as 'app' (uid " + (uid + 4242) + "), not root, so PostgreSQL runs as 'app' too and"
                        + " starts only on a data directory owned by the user it runs as; without root, pgwarden cannot"
                        + " change the owner. Use a subdirectory that pgwarden creates itself, e.g. --data-dir="
                        + volume.resolve("pgdata") + ", or give the directory to 'app' (as root: chown -R app " + volume
                        + "), or choose another --data-dir.");
        assertThatCode(() -> new ServerUserAccess(new Privileges(false, "postgres", uid, owner)).check(volume,
                DataDirectory.State.EMPTY, volume.resolve("pgwarden.password"))).doesNotThrowAnyException();
    }

    @Test
    void aUidWithoutAUserNameIsRefusedBecausePostgresCannotRunUnderIt() {
        // the JVM's user.name is "?" for such a uid, which Privileges turns into "uid N"
        Privileges arbitrary = new Privileges(false, "postgres", 1000650000, "uid 1000650000");
        assertThatThrownBy(() -> new ServerUserAccess(arbitrary).check(tmp.resolve("data"), DataDirectory.State.MISSING,
                tmp.resolve("data/pgwarden.password")))
                .isInstanceOfSatisfying(PgWardenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENVIRONMENT))
                .hasMessage("pgwarden runs as uid 1000650000, which has no user name (no entry in /etc/passwd), and"
                        + " PostgreSQL's initdb and postgres refuse to run under a uid they cannot look up. Run with a uid"
                        + " the image knows (e.g. docker run --user postgres, or runAsUser set to the postgres uid), or add"
                        + " an entry for uid 1000650000 before starting pgwarden (e.g. 'postgres:x:1000650000:0::"
                        + "/var/lib/postgresql:/bin/sh' appended to a group-writable /etc/passwd, or nss_wrapper).");
    }

    @Test
    void anInitialisedDirectoryOwnedBySomeoneElseGetsNoSubdirectoryAdvice() throws IOException {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        long uid = ((Number) Files.getAttribute(data, "unix:uid")).longValue();
        Privileges app = new Privileges(false, "postgres", uid + 4242, "app");
        assertThatThrownBy(() -> new ServerUserAccess(app).check(data, DataDirectory.State.INITIALIZED,
                data.resolve("pgwarden.password")))
                .hasMessageEndingWith("without root, pgwarden cannot change the owner. Give the directory to 'app' (as"
                        + " root: chown -R app " + data + "), or choose another --data-dir.");
    }

    @Test
    void aFileInTheWayIsLeftToPreflightsOwnMessage() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Privileges app = new Privileges(false, "postgres", 4242, "app");
        assertThatCode(() -> new ServerUserAccess(app).check(file, DataDirectory.State.NOT_A_DIRECTORY,
                file.resolve("pgwarden.password"))).doesNotThrowAnyException();
        assertThatCode(() -> new ServerUserAccess(app).check(file.resolve("data"), DataDirectory.State.MISSING,
                file.resolve("data/pgwarden.password"))).doesNotThrowAnyException();
    }
}

package io.pgwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to {@code up}, {@code wait} and {@code healthcheck}: a clear error, exit 2 or 8, nothing on disk. */
class UpCommandTest {
    @TempDir
    Path tmp;

    @Test
    void everyBadValueIsReportedAtOnceAndNothingIsCreated() {
        Path data = tmp.resolve("data");
        CliRun r = CliRun.of(Map.of("PGWARDEN_LISTEN", "localhost,300.1.1.1", "POSTGRES_MEMORY", "lots"), "up", "--data-dir", data.toString(),
                "--port", "70000", "--pg-version", "12", "--allow", "10.0.0.0/33", "--stop-timeout", "soon",
                "--max-restarts", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --port=70000: expected a port number from 1 to 65535\n"
                + "PGWARDEN_LISTEN=localhost,300.1.1.1: '300.1.1.1' is not an IP address; use addresses such as 127.0.0.1,"
                + " ::1, 10.0.0.5, localhost, or * for all interfaces\n"
                + "--allow=10.0.0.0/33: '10.0.0.0/33' is not a network in CIDR notation; use e.g. 10.0.0.0/8,"
                + " 192.168.1.0/24 or fd00::/8 (prefix 0-32 for IPv4, 0-128 for IPv6)\n"
                + "--pg-version=12: PostgreSQL 12 is not supported; use 13 to 18\n"
                + "--stop-timeout=soon: expected a duration such as 500ms, 10s, 2m or 1h\n"
                + "--max-restarts=0: expected a whole number of at least 1\n"
                + "POSTGRES_MEMORY=lots: expected megabytes (e.g. 2048) or a size with a unit (e.g. 1536MB, 2GB)\n");
        assertThat(r.out()).isEmpty();
        assertThat(data).doesNotExist();
    }

    @Test
    void aDirectoryAsServerLogIsRefusedBeforeAnythingIsWritten() {
        Path data = tmp.resolve("data");
        CliRun r = CliRun.of(Map.of(), "up", "--data-dir", data.toString(), "--server-log", tmp.toString(), "--memory", "1GB");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --server-log=" + tmp + ": this is a directory; give a file in it, e.g. "
                + tmp.resolve("postgresql.log") + ", or - for this process's output\n");
        assertThat(data).doesNotExist();
    }

    @Test
    void tooLittleMemoryIsRefusedBeforeAnythingIsWritten() {
        Path data = tmp.resolve("data");
        CliRun r = CliRun.of(Map.of(), "up", "--data-dir", data.toString(), "--memory", "256MB");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: Memory 256 MB (from --memory) is below the 512 MB minimum pgwarden tunes"
                + " PostgreSQL for; give the container at least 512MB of memory or set --memory / POSTGRES_MEMORY to what"
                + " PostgreSQL may really use.\n");
        assertThat(data).doesNotExist();
    }

    @Test
    void aTakenPortIsNamedWithAFreePortAsTheWayOutBeforeAnythingIsWritten() throws Exception {
        Path data = tmp.resolve("data");
        int port;
        int suggested;
        try (TwoTaken taken = takeFollowedByATakenNeighbour()) {
            port = taken.port();
            CliRun r = CliRun.of(Map.of(), "up", "--data-dir", data.toString(), "--port", Integer.toString(port));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).startsWith("error: Port " + port + " on 127.0.0.1 is already in use (is another PostgreSQL running?): ")
                    .containsPattern("\\. Choose a free port with --port, e\\.g\\. --port \\d+\\.\n$");
            suggested = Integer.parseInt(r.err().replaceAll("(?s).*--port (\\d+)\\.\n$", "$1"));
        }
        // the neighbour (port + 1) is taken too, so the suggestion must have skipped it; it was free when suggested
        assertThat(suggested).isGreaterThan(port + 1).isLessThanOrEqualTo(port + 20);
        assertThat(data).doesNotExist();
    }

    /** Two listening sockets on adjacent ports P and P+1 on 127.0.0.1. */
    private record TwoTaken(ServerSocket first, ServerSocket second) implements AutoCloseable {
        int port() {
            return first.getLocalPort();
        }

        @Override
        public void close() throws java.io.IOException {
            first.close();
            second.close();
        }
    }

    private static TwoTaken takeFollowedByATakenNeighbour() throws java.io.IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            ServerSocket first = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
            try {
                return new TwoTaken(first, new ServerSocket(first.getLocalPort() + 1, 1, InetAddress.getByName("127.0.0.1")));
            } catch (java.io.IOException neighbourTaken) {
                first.close();
            }
        }
        throw new IllegalStateException("no two adjacent free ports on 127.0.0.1");
    }

    @Test
    void anAddressThisMachineDoesNotHaveIsInvalidInput() {
        Path data = tmp.resolve("data");
        CliRun r = CliRun.of(Map.of(), "up", "--data-dir", data.toString(), "--listen", "192.0.2.1", "--memory", "1GB");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --listen=192.0.2.1: this machine has no such address, so PostgreSQL could"
                + " not listen on it; use one of its own addresses, 127.0.0.1, or * for all.\n");
        assertThat(data).doesNotExist();
    }

    @Test
    void aFileAsDataDirectoryAndAnExistingPasswordFileAreRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("data"), "not a directory");
        CliRun r = CliRun.of(Map.of(), "up", "--data-dir", file.toString(), "--memory", "1GB");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --data-dir=" + file + ": this is a file, not a directory; choose a new or"
                + " empty directory, or an existing data directory.\n");
        assertThat(Files.readString(file)).isEqualTo("not a directory");

        Path secret = Files.writeString(tmp.resolve("old.password"), "keep me");
        Path data = tmp.resolve("fresh");
        CliRun p = CliRun.of(Map.of("PGWARDEN_PASSWORD_FILE", secret.toString()), "up", "--data-dir", data.toString(),
                "--memory", "1GB");
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.err()).isEqualTo("error: --password-file=" + secret + " already exists, but " + data
                + " is new, so a new password would replace it. Move the file away or choose another path.\n");
        assertThat(Files.readString(secret)).isEqualTo("keep me");
        assertThat(data).doesNotExist();
    }

    @Test
    void aPasswordFileOrDataDirectoryBelowAFileIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path afile = Files.writeString(tmp.resolve("afile"), "a regular file");
        Path data = tmp.resolve("data");
        CliRun r = CliRun.of(Map.of(), "up", "--data-dir", data.toString(), "--password-file", afile.resolve("x").toString(),
                "--memory", "1GB");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --password-file=" + afile.resolve("x") + ": " + afile + " is a file, not a"
                + " directory, so nothing can be created below it; choose a path whose parent is a directory.\n");
        assertThat(r.out()).isEmpty();
        assertThat(data).doesNotExist();

        CliRun d = CliRun.of(Map.of(), "up", "--data-dir", afile.resolve("sub").toString(), "--memory", "1GB");
        assertThat(d.exitCode()).isEqualTo(2);
        assertThat(d.err()).isEqualTo("error: --data-dir=" + afile.resolve("sub") + ": " + afile + " is a file, not a"
                + " directory, so nothing can be created below it; choose a path whose parent is a directory.\n");

        Path dir = Files.createDirectory(tmp.resolve("secrets"));
        CliRun p = CliRun.of(Map.of("PGWARDEN_PASSWORD_FILE", dir.toString()), "up", "--data-dir", data.toString(),
                "--memory", "1GB");
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.err()).isEqualTo("error: --password-file=" + dir + ": this is a directory; the password file must be"
                + " a file path, e.g. " + dir.resolve("pgwarden.password") + ".\n");
        assertThat(Files.readString(afile)).isEqualTo("a regular file");
        assertThat(data).doesNotExist();
    }

    @Test
    void aPgwardenDataDirectoryWithoutItsPasswordFileIsNotStarted() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        Files.writeString(data.resolve("pg_hba.conf"), "# Managed by pgwarden\nhost all all 127.0.0.1/32 scram-sha-256\n");
        CliRun r = CliRun.of(Map.of(), "up", "--data-dir", data.toString(), "--memory", "1GB");
        assertThat(r.exitCode()).isEqualTo(8);
        assertThat(r.err()).isEqualTo("error: Data directory " + data + " was initialised by pgwarden, but its password file "
                + data.resolve("pgwarden.password") + " is missing, and pg_hba.conf accepts only scram-sha-256 passwords,"
                + " so nobody could log in. If the file was moved, point --password-file at it. If the password is lost,"
                + " reset it (see 'Lost password' in docs/instance.md: echo \"ALTER ROLE postgres PASSWORD 'NEW'\" |"
                + " postgres --single -D " + data + " postgres, run as the server user, then write NEW to "
                + data.resolve("pgwarden.password") + " with mode 0600), or remove " + data + " to start over (its data is"
                + " lost).\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aNonEmptyDirectoryThatIsNotADataDirectoryIsLeftAlone() throws Exception {
        Files.writeString(tmp.resolve("notes.txt"), "mine");
        CliRun r = CliRun.of(Map.of(), "up", "--data-dir", tmp.toString(), "--port", "1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --data-dir=" + tmp + ": the directory is not empty and is not a PostgreSQL data"
                + " directory (no PG_VERSION); pgwarden will not initialise over existing files. Choose a new or empty directory.\n");
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
        }
    }

    @Test
    void binariesDirectoryFromTheEnvironmentIsCheckedAndNamed() {
        Path data = tmp.resolve("data");
        CliRun r = CliRun.of(Map.of("PG_BINDIR", "/opt/none"), "up", "--data-dir", data.toString(),
                "--port", Integer.toString(io.pgwarden.testing.TestPostgres.freePort()));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: PG_BINDIR=/opt/none: no such directory; point it at the directory holding"
                + " postgres, initdb and pg_ctl, e.g. /usr/lib/postgresql/15/bin.\n");
        assertThat(data).doesNotExist();
    }

    @Test
    void waitAndHealthcheckRejectBadValues() {
        CliRun w = CliRun.of(Map.of("PGPORT", "x"), "wait", "--timeout", "0s");
        assertThat(w.exitCode()).isEqualTo(2);
        assertThat(w.err()).isEqualTo("error: PGPORT=x: expected a port number from 1 to 65535\n"
                + "--timeout=0s: expected a duration above zero such as 500ms, 10s, 2m or 1h\n");

        // a bad sslmode is bad input (exit 2 before any attempt), not a reason to retry until the timeout (exit 1)
        CliRun ssl = CliRun.of(Map.of(), "wait", "--url", "postgresql://postgres@127.0.0.1:55432/nodb?sslmode=bogus",
                "--timeout", "2m");
        assertThat(ssl.exitCode()).isEqualTo(2);
        assertThat(ssl.err()).isEqualTo("error: --url: sslmode 'bogus' is not one of disable, allow, prefer, require,"
                + " verify-ca, verify-full\n");
        assertThat(ssl.out()).isEmpty();

        CliRun w2 = CliRun.of(Map.of(), "wait", "--timeout", "0s", "--port", "0");
        assertThat(w2.err()).isEqualTo("error: --port=0: expected a port number from 1 to 65535\n"
                + "--timeout=0s: expected a duration above zero such as 500ms, 10s, 2m or 1h\n");

        CliRun h = CliRun.of(Map.of("DATABASE_URL", "mysql://u:secret@h/db"), "healthcheck", "--expect-role", "leader",
                "--data-dir", tmp.resolve("nope").toString());
        assertThat(h.exitCode()).isEqualTo(64); // healthcheck's usage code: its 2 means critical
        assertThat(h.err()).isEqualTo("error: DATABASE_URL: expected a URL such as postgresql://user@host:5432/dbname\n"
                + "--expect-role=leader: allowed values are primary (or master) and replica (or standby)\n"
                + "--data-dir=" + tmp.resolve("nope") + ": no such directory\n");
        assertThat(h.err()).doesNotContain("secret");

        Path missing = tmp.resolve("pgwarden.password");
        CliRun pw = CliRun.of(Map.of("PGWARDEN_PASSWORD_FILE", missing.toString()), "healthcheck");
        assertThat(pw.exitCode()).isEqualTo(64);
        assertThat(pw.err()).isEqualTo("error: PGWARDEN_PASSWORD_FILE=" + missing
                + " (no such file, or not readable by this user)\n");
    }
}

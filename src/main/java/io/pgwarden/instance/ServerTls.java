package io.pgwarden.instance;

import io.pgwarden.pg.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * TLS for a server pgwarden runs: the certificate, key and optional CA ({@link TlsFiles}, checked by the CLI before
 * anything starts) are copied into the data directory as {@value #CERT_FILE}, {@value #KEY_FILE} and
 * {@value #CA_FILE}, owned by the server user with mode 0600 (PostgreSQL refuses a key others can read, and a
 * mounted Secret is often root-owned or 0644); {@code ssl = on} and {@code ssl_min_protocol_version = TLSv1.2}
 * point at them. With {@code required}, pg_hba.conf admits only {@code hostssl} from the network.
 *
 * @param files    the source files (they may change on disk: {@link #install} copies them again)
 * @param required  whether clients from the network must use TLS (loopback may still connect without)
 * @param certUsers roles that log in with a client certificate signed by the CA (its common name = the role) instead
 *                  of a password, e.g. PgBouncer's auth user
 */
public record ServerTls(TlsFiles files, boolean required, java.util.List<String> certUsers) {
    public static final String CERT_FILE = "pgwarden.server.crt";
    public static final String KEY_FILE = "pgwarden.server.key";
    public static final String CA_FILE = "pgwarden.ca.crt";
    /** TLS 1.0 and 1.1 are deprecated (RFC 8996); every supported libpq and pgjdbc speaks 1.2. */
    public static final String MIN_PROTOCOL = "TLSv1.2";

    public ServerTls {
        Objects.requireNonNull(files, "files");
        certUsers = certUsers == null ? java.util.List.of() : java.util.List.copyOf(certUsers);
    }

    /** No certificate logins. */
    public ServerTls(TlsFiles files, boolean required) {
        this(files, required, null);
    }

    /** The settings of the managed include: relative paths, resolved by PostgreSQL against the data directory. */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("ssl", "on");
        s.put("ssl_cert_file", CERT_FILE);
        s.put("ssl_key_file", KEY_FILE);
        s.put("ssl_ca_file", files.ca() == null ? "" : CA_FILE);
        s.put("ssl_min_protocol_version", MIN_PROTOCOL);
        return s;
    }

    /** True when a CA is configured (replicas then verify their upstream with it). */
    public boolean hasCa() {
        return files.ca() != null;
    }

    /**
     * Copies the files into {@code dataDir} (atomically, mode 0600, owned by the server user); a copy that is
     * already current is left alone.
     *
     * @return true when any copy changed (a rotated certificate: the server must reload)
     */
    public boolean install(ServerFiles serverFiles, Path dataDir) throws IOException {
        boolean changed = copy(serverFiles, files.certificate(), dataDir.resolve(CERT_FILE));
        changed |= copy(serverFiles, files.key(), dataDir.resolve(KEY_FILE));
        if (files.ca() != null) {
            changed |= copy(serverFiles, files.ca(), dataDir.resolve(CA_FILE));
        }
        return changed;
    }

    /** True when the source files differ from the copies in {@code dataDir} (or a copy is missing). */
    public boolean changedSince(Path dataDir) throws IOException {
        return differs(files.certificate(), dataDir.resolve(CERT_FILE)) || differs(files.key(), dataDir.resolve(KEY_FILE))
                || (files.ca() != null && differs(files.ca(), dataDir.resolve(CA_FILE)));
    }

    private static boolean differs(Path source, Path copy) throws IOException {
        return !Files.isRegularFile(copy) || !Files.readString(source).equals(Files.readString(copy));
    }

    private static boolean copy(ServerFiles serverFiles, Path source, Path target) throws IOException {
        String content = Files.readString(source);
        if (Files.isRegularFile(target) && Files.readString(target).equals(content)) {
            return false;
        }
        serverFiles.write(target, content, ServerFiles.OWNER_ONLY_FILE);
        return true;
    }
}

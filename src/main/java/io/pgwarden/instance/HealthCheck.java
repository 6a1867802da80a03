package io.pgwarden.instance;

import io.pgwarden.core.ByteSize;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.pg.tls.ServerCertificateProbe;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The check behind {@code pgwarden healthcheck} (a container HEALTHCHECK): CRITICAL when the server
 * does not accept connections, {@code SELECT 1} fails or the role differs from the expected one;
 * WARNING when the data directory's file system has less than 10% and less than 100 MB free, or the server's TLS
 * certificate expires within the warning period (CRITICAL once expired);
 * otherwise HEALTHY. Exit codes 0, 1, 2 follow the Nagios convention container tools understand.
 */
public final class HealthCheck {
    /** Below both limits a full disk is minutes away on a busy server, but not yet an outage. */
    static final double MIN_FREE_FRACTION = 0.10;
    static final long MIN_FREE_BYTES = 100 * ByteSize.MB;

    /** The result's severity and its exit code. */
    public enum Status {
        HEALTHY(0), WARNING(1), CRITICAL(2);

        private final int exitCode;

        Status(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    /** Primary accepts writes; replica is in recovery. */
    public enum Role { PRIMARY, REPLICA }

    /** The outcome: severity, the role seen (null if unknown), and one reason per finding. */
    public record Report(Status status, Role role, List<String> findings) {
        /** One line: {@code healthy: primary, ...}. */
        public String line() {
            return status.name().toLowerCase() + ": " + String.join("; ", findings);
        }
    }

    /** Two weeks: time for a renewal job that runs weekly to fail once and be fixed before clients refuse the server. */
    public static final Duration DEFAULT_TLS_EXPIRY_WARNING = Duration.ofDays(14);

    private final ConnectionSpec spec;
    private final Role expectedRole;
    private final Path dataDir;
    private final Duration tlsExpiryWarning;
    private final Clock clock;

    /** @param expectedRole null to accept either; @param dataDir null to skip the disk check */
    public HealthCheck(ConnectionSpec spec, Role expectedRole, Path dataDir) {
        this(spec, expectedRole, dataDir, DEFAULT_TLS_EXPIRY_WARNING, Clock.SYSTEM);
    }

    /**
     * @param tlsExpiryWarning a certificate the server presents that expires within this is a warning (an expired
     *                         one is critical)
     */
    public HealthCheck(ConnectionSpec spec, Role expectedRole, Path dataDir, Duration tlsExpiryWarning, Clock clock) {
        this.spec = spec;
        this.expectedRole = expectedRole;
        this.dataDir = dataDir;
        this.tlsExpiryWarning = tlsExpiryWarning;
        this.clock = clock;
    }

    public Report execute() {
        List<String> findings = new ArrayList<>();
        Status status = Status.HEALTHY;
        Role role = null;
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1, pg_is_in_recovery()")) {
            rs.next();
            role = rs.getBoolean(2) ? Role.REPLICA : Role.PRIMARY;
            findings.add(role.name().toLowerCase() + " at " + spec.address() + " answers SELECT 1");
        } catch (SQLException e) {
            ServerProbe.Answer up = ServerProbe.probe(spec);
            findings.add(up.accepting() ? "SELECT 1 on " + spec.display() + " failed: " + PgConnections.describe(e)
                    : "not accepting connections at " + spec.address() + ": " + up.detail());
            return new Report(Status.CRITICAL, null, findings);
        }
        if (expectedRole != null && role != expectedRole) {
            findings.add("expected role " + expectedRole.name().toLowerCase() + " but the server is a " + role.name().toLowerCase());
            status = Status.CRITICAL;
        }
        Status tlsStatus = certificate(findings);
        if (tlsStatus.ordinal() > status.ordinal()) {
            status = tlsStatus;
        }
        if (dataDir != null) {
            String disk = diskProblem(dataDir);
            if (disk.startsWith("!")) {
                findings.add(disk.substring(1));
                if (status == Status.HEALTHY) {
                    status = Status.WARNING;
                }
            } else {
                findings.add(disk);
            }
        }
        return new Report(status, role, findings);
    }

    /** The expiry of the certificate the server presents (as a client sees it); nothing when it has no TLS. */
    private Status certificate(List<String> findings) {
        Optional<X509Certificate> cert;
        try {
            cert = ServerCertificateProbe.fetch(spec.host(), spec.port(), spec.connectTimeout());
        } catch (IOException e) {
            findings.add("cannot read the server's TLS certificate: " + e.getMessage());
            return Status.WARNING;
        }
        if (cert.isEmpty()) {
            return Status.HEALTHY;
        }
        Instant end = cert.get().getNotAfter().toInstant();
        Instant now = clock.now();
        String subject = cert.get().getSubjectX500Principal().getName();
        if (end.isBefore(now)) {
            findings.add("the server's TLS certificate (" + subject + ") expired on " + end + "; clients that verify it"
                    + " refuse the server: renew it (pgwarden certs)");
            return Status.CRITICAL;
        }
        if (end.isBefore(now.plus(tlsExpiryWarning))) {
            findings.add("the server's TLS certificate (" + subject + ") expires on " + end + ", within "
                    + (tlsExpiryWarning.toHoursPart() == 0 && tlsExpiryWarning.toDays() > 0 ? tlsExpiryWarning.toDays() + " days"
                    : Durations.format(tlsExpiryWarning)) + " (--tls-expiry-warning): renew it (pgwarden certs)");
            return Status.WARNING;
        }
        findings.add("TLS certificate valid until " + end);
        return Status.HEALTHY;
    }

    /** A finding about free space; starts with "!" when it is a warning. */
    static String diskProblem(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            return diskFinding(dir, store.getUsableSpace(), store.getTotalSpace());
        } catch (IOException e) {
            return "!cannot read free space of " + dir + ": " + e.getMessage();
        }
    }

    static String diskFinding(Path dir, long free, long total) {
        double fraction = total == 0 ? 0 : (double) free / total;
        String text = new ByteSize(free).toHuman() + " free (" + Math.round(fraction * 100) + "%) on the file system of " + dir;
        if (fraction < MIN_FREE_FRACTION && free < MIN_FREE_BYTES) {
            return "!low disk space: " + text + " (below 10% and below 100 MB)";
        }
        return text;
    }
}

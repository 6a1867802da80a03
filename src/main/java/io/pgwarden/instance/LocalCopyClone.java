package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.PgConnections;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clones without pg_basebackup (server-only binaries): the SQL low-level backup API over a superuser
 * connection ({@code pg_backup_start(label, fast)} ... {@code pg_backup_stop(false)}, PostgreSQL 15+) around
 * a file copy of the primary's data directory, which must therefore be readable on this machine; then
 * {@code backup_label} and {@code tablespace_map} are written from pg_backup_stop's result. The WAL the
 * replica needs is kept by its slot (created before the backup starts) and streamed after start.
 */
public final class LocalCopyClone implements CloneStrategy {
    private static final Logger log = LoggerFactory.getLogger(LocalCopyClone.class);

    private final ServerFiles files;
    private final Clock clock;

    public LocalCopyClone(ServerFiles files, Clock clock) {
        this.files = files;
        this.clock = clock;
    }

    @Override
    public CloneMethod method() {
        return CloneMethod.LOCAL_COPY;
    }

    @Override
    public long copy(CloneRequest request, Consumer<String> progress) {
        String primary = request.primarySuperuser().display();
        try (Connection c = PgConnections.open(request.primarySuperuser()); Statement s = c.createStatement()) {
            Path source;
            String sysid;
            try (ResultSet rs = s.executeQuery("SELECT current_setting('data_directory'),"
                    + " (SELECT system_identifier FROM pg_control_system())::text")) {
                rs.next();
                source = Path.of(rs.getString(1));
                sysid = rs.getString(2);
            }
            checkReadable(source, sysid, primary);
            String label = "pgwarden clone " + request.upstream().slot();
            try (PreparedStatement p = c.prepareStatement("SELECT pg_backup_start(?, true)")) {
                p.setString(1, label);
                p.execute();
            }
            log.info("cloning {} from {} by copying {} (low-level backup API)", request.target(), primary, source);
            long bytes = new DataDirCopier(files, clock).copy(source, request.target(), progress);
            try (ResultSet rs = s.executeQuery("SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                rs.next();
                files.write(request.target().resolve("backup_label"), rs.getString(2), ServerFiles.OWNER_ONLY_FILE);
                String map = rs.getString(3);
                if (map != null && !map.isEmpty()) {
                    files.write(request.target().resolve("tablespace_map"), map, ServerFiles.OWNER_ONLY_FILE);
                }
                log.info("backup of {} ends at {}", primary, rs.getString(1));
            }
            return bytes;
        } catch (SQLException e) {
            throw new PgWardenException(ErrorCode.FAILED, "The local copy from " + primary + " into " + request.target()
                    + " failed: " + PgConnections.describe(e) + ". The backup was aborted on the primary.", e);
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "The local copy from " + primary + " into " + request.target()
                    + " failed: " + e + ". The backup was aborted on the primary; check free space and permissions.", e);
        }
    }

    /** The primary's data directory must be this machine's, readable, the same cluster, and without tablespaces. */
    static void checkReadable(Path source, String sysid, String primary) throws IOException {
        Path control = source.resolve("global/pg_control");
        String advice = " The local copy (used because these binaries have no pg_basebackup) works only when the primary"
                + " runs on this machine and pgwarden can read its data directory (run pgwarden as root or as the"
                + " server user). Otherwise use binaries with the client tools, e.g. --pg-bin /usr/lib/postgresql/15/bin.";
        if (!Files.isReadable(control)) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "The primary " + primary + " has its data directory at "
                    + source + ", which is not readable on this machine." + advice);
        }
        String local = Long.toUnsignedString(systemIdentifier(control));
        if (!local.equals(sysid)) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "The primary " + primary + " has its data directory at "
                    + source + ", but the directory of that name on this machine belongs to another cluster (system"
                    + " identifier " + local + ", the primary's is " + sysid + ")." + advice);
        }
        try (Stream<Path> tbs = Files.list(source.resolve("pg_tblspc"))) {
            if (tbs.findAny().isPresent()) {
                throw new PgWardenException(ErrorCode.ENVIRONMENT, "The primary " + primary + " uses tablespaces, which"
                        + " the local copy does not clone. Use binaries with pg_basebackup, e.g. --pg-bin /usr/lib/postgresql/15/bin.");
            }
        }
    }

    /** pg_control starts with the 64-bit system identifier in the machine's byte order (little-endian on x86/arm). */
    static long systemIdentifier(Path pgControl) throws IOException {
        try (InputStream in = Files.newInputStream(pgControl)) {
            byte[] b = in.readNBytes(8);
            return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong();
        }
    }
}

package io.pgwarden.backup;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.Lsn;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pgwarden backup create}: a physical base backup of a running primary on this machine through the low-level
 * API over one JDBC session held open from start to stop. The files are read and compressed in parallel into
 * {@code backups/ID/data/}; backup_label and tablespace_map come from {@code pg_backup_stop} into the backup, never
 * into the live directory. Then every WAL segment from the start to the stop segment is made sure to be in the
 * archive (copied from pg_wal when the archiver has not yet: pg_backup_stop switched to a new segment, so the stop
 * segment is complete even on an idle server), and only then the manifest is written: a backup without manifest
 * (killed, failed) is incomplete and never used.
 */
public final class BaseBackup {
    private static final Logger LOG = LoggerFactory.getLogger(BaseBackup.class);
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final BackupRepository repo;
    private final Clock clock;

    /** What to back up and how. */
    public record Request(ConnectionSpec server, Compression compression, int parallel, Duration walTimeout,
            BackupProgress progress) {
    }

    /** @param checksumFailures data pages whose checksum did not match ({@code base/5/16384 block 7}) */
    public record Result(BackupManifest manifest, Duration took, int walCopied, List<String> checksumFailures) {
    }

    public BaseBackup(BackupRepository repo, Clock clock) {
        this.repo = repo;
        this.clock = clock;
    }

    public Result execute(Request req) {
        long t0 = clock.nanoTime();
        try (Connection c = PgConnections.openOrFail(req.server())) {
            BackupServer server = new BackupServer(c);
            BackupServer.Identity id = server.identity();
            refuseUnsupported(req, server, id);
            Path dataDir = Path.of(id.dataDirectory());
            if (!Files.isReadable(dataDir.resolve("PG_VERSION"))) {
                throw new PgWardenException(ErrorCode.ENVIRONMENT, "backup create: the data directory of " + req.server()
                        + " (" + dataDir + ") is not readable here. Run pgwarden on the server's machine, as root or as the"
                        + " server's user.");
            }
            Instant startTime = clock.now();
            String backupId = newId(startTime);
            Lsn start = server.start("pgwarden " + backupId, id.versionNum());
            int tli = server.timeline();
            LOG.info("backup {} of {} started at {} on timeline {}", backupId, req.server(), start, tli);
            DataDirScan.Scan scan = DataDirScan.scan(dataDir);
            FileCopier copier = new FileCopier(repo, req.compression(), clock, start.value());
            List<BackupManifest.FileEntry> files = new ArrayList<>(copier.copy(backupId, dataDir, scan, req.parallel(),
                    req.progress()));
            for (String bad : copier.checksumFailures()) {
                LOG.warn("backup {}: page checksum mismatch in {} (the page is damaged on disk)", backupId, bad);
            }
            BackupServer.Stop stop = server.stop(id.versionNum());
            files.add(storeText(backupId, "backup_label", stop.label(), req.compression()));
            if (!stop.tablespaceMap().isEmpty()) {
                files.add(storeText(backupId, "tablespace_map", stop.tablespaceMap(), req.compression()));
            }
            Instant stopTime = clock.now();
            String startWal = WalNames.segmentOf(tli, start);
            String stopWal = WalNames.segmentOf(tli, new Lsn(stop.lsn().value() - 1));
            int copied = new WalCompletion(repo, req.compression(), clock).ensure(dataDir.resolve("pg_wal"), tli, startWal,
                    stopWal, req.walTimeout());
            BackupManifest m = new BackupManifest(BackupManifest.FORMAT, backupId, id.systemIdentifier(), id.versionNum(),
                    tli, start.toString(), stop.lsn().toString(), startWal, stopWal, startTime.toString(), stopTime.toString(),
                    stop.label(), req.compression().flagValue(), Duration.ofNanos(clock.nanoTime() - t0).toMillis(),
                    scan.directories().stream().map(Path::toString).toList(), files);
            repo.put(BackupManifest.key(backupId), m.toJson());
            LOG.info("backup {} complete: {} files, {} bytes ({} stored), WAL {} to {}", backupId, files.size(), m.totalSize(),
                    m.storedSize(), startWal, stopWal);
            return new Result(m, Duration.ofNanos(clock.nanoTime() - t0), copied, copier.checksumFailures());
        } catch (SQLException e) {
            throw BackupServer.failed("backup create on " + req.server() + " failed", e);
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.FAILED, "backup create into " + repo.describe() + " failed: "
                    + e.getMessage() + ". The backup is incomplete (no manifest) and will not be used.", e);
        }
    }

    private static void refuseUnsupported(Request req, BackupServer server, BackupServer.Identity id) throws SQLException {
        if (server.isStandby()) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "backup create: " + req.server() + " is a standby;"
                    + " backups from a standby are not supported yet. Give the primary with --url or --data-dir.");
        }
        if (id.hasTablespaces()) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "backup create: " + req.server() + " has tablespaces"
                    + " outside the data directory, which pgwarden backups do not support yet; use pg_basebackup.");
        }
    }

    private String newId(Instant now) throws IOException {
        String base = ID.format(now);
        String id = base;
        for (int n = 2; !repo.list("backups/" + id + "/").isEmpty(); n++) {
            id = base + "-" + n; // an earlier attempt in the same second left (incomplete) files
        }
        return id;
    }

    private BackupManifest.FileEntry storeText(String backupId, String name, String text, Compression c) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String key = BackupManifest.dataKey(backupId, name, c);
        try (BackupRepository.ObjectWriter w = repo.writer(key)) {
            try (var z = c.compress(new WalArchive.NonClosing(w))) {
                z.write(bytes);
            }
            w.commit();
        }
        String sha = Sha256.of(new java.io.ByteArrayInputStream(bytes), null);
        return new BackupManifest.FileEntry(name, bytes.length, sha, repo.stat(key).map(BackupRepository.ObjectInfo::size).orElse(0L));
    }
}

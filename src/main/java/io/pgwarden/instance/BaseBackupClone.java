package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.PgBinaries;
import io.pgwarden.pg.ProcessRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clones with {@code pg_basebackup} over the replication protocol, as the replication role, streaming WAL
 * through the replica's slot ({@code --wal-method=stream --slot}), with a fast checkpoint. The password
 * reaches pg_basebackup through a private {@code PGPASSFILE}; its {@code --progress} and {@code --verbose}
 * output is relayed as it comes.
 */
public final class BaseBackupClone implements CloneStrategy {
    private static final Logger log = LoggerFactory.getLogger(BaseBackupClone.class);
    /** Output is relayed within a fifth of a second; reading a small file that often costs nothing. */
    private static final Duration POLL = Duration.ofMillis(200);
    /** pg_basebackup rewrites its progress line many times a second; one every 2 s is readable. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    private final ProcessRunner runner;
    private final ServerFiles files;
    private final PgBinaries binaries;
    private final Clock clock;

    public BaseBackupClone(ProcessRunner runner, ServerFiles files, PgBinaries binaries, Clock clock) {
        this.runner = runner;
        this.files = files;
        this.binaries = binaries;
        this.clock = clock;
    }

    @Override
    public CloneMethod method() {
        return CloneMethod.BASE_BACKUP;
    }

    @Override
    public long copy(CloneRequest request, Consumer<String> progress) {
        Upstream up = request.upstream();
        try (SecretDirectory secrets = new SecretDirectory(files, "pgwarden-basebackup-")) {
            Path passfile = secrets.resolve("pgpass");
            PgPassFile.write(files, passfile, up.host(), up.port(), up.role(), request.replicationPassword());
            Path output = secrets.resolve("output.log");
            Files.createFile(output);
            List<String> command = files.privileges().asServerUser(List.of(binaries.program("pg_basebackup").toString(),
                    "--pgdata=" + request.target(), "--host=" + up.host(), "--port=" + up.port(), "--username=" + up.role(),
                    "--no-password", "--wal-method=stream", "--slot=" + up.slot(), "--checkpoint=fast",
                    "--progress", "--verbose"));
            log.info("cloning {} from {} with pg_basebackup (role '{}', slot '{}')", request.target(), up.address(), up.role(), up.slot());
            Process p = runner.start(command, request.target(), Map.of("PGPASSFILE", passfile.toString(), "LC_ALL", "C.UTF-8"), output);
            List<String> lines = relay(p, output, request.timeout(), progress);
            int code = p.exitValue();
            if (code != 0) {
                throw new PgWardenException(ErrorCode.FAILED, "pg_basebackup from " + up.address() + " into " + request.target()
                        + " failed (exit " + code + "):" + System.lineSeparator()
                        + String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 8), lines.size()))
                        + System.lineSeparator() + "Check that the primary allows replication connections from this host"
                        + " (pg_hba.conf) and that max_wal_senders is not exhausted.");
            }
            return DataDirCopier.treeSize(request.target());
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot run pg_basebackup into " + request.target() + ": " + e, e);
        }
    }

    /** Relays output until the process ends; returns every line it wrote. */
    private List<String> relay(Process p, Path output, Duration timeout, Consumer<String> progress) throws IOException {
        List<String> all = new ArrayList<>();
        long deadline = clock.nanoTime() + timeout.toNanos();
        long lastProgress = Long.MIN_VALUE;
        String pendingProgress = null;
        long offset = 0;
        StringBuilder partial = new StringBuilder();
        while (true) {
            boolean exited = waitFor(p);
            try (RandomAccessFile f = new RandomAccessFile(output.toFile(), "r")) {
                f.seek(offset);
                byte[] buf = new byte[(int) Math.max(0, f.length() - offset)];
                f.readFully(buf);
                offset += buf.length;
                partial.append(new String(buf, StandardCharsets.UTF_8));
            }
            int cut;
            while ((cut = indexOfBreak(partial)) >= 0) {
                String line = partial.substring(0, cut).strip();
                partial.delete(0, cut + 1);
                if (line.isEmpty()) {
                    continue;
                }
                if (line.contains(" kB (")) { // the progress line: "1234/5678 kB (21%), 0/1 tablespace"
                    pendingProgress = line;
                } else {
                    all.add(line);
                    progress.accept(line);
                }
            }
            long now = clock.nanoTime();
            if (pendingProgress != null && (exited || lastProgress == Long.MIN_VALUE || now - lastProgress >= PROGRESS_EVERY.toNanos())) {
                progress.accept(pendingProgress);
                all.add(pendingProgress);
                pendingProgress = null;
                lastProgress = now;
            }
            if (exited) {
                if (!partial.isEmpty()) {
                    all.add(partial.toString().strip());
                    progress.accept(partial.toString().strip());
                }
                return all;
            }
            if (now > deadline) {
                p.destroyForcibly();
                throw new PgWardenException(ErrorCode.FAILED, "pg_basebackup did not finish within "
                        + timeout.toMinutes() + " min and was killed; the partial copy is removed.");
            }
        }
    }

    private boolean waitFor(Process p) {
        try {
            return p.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PgWardenException(ErrorCode.FAILED, "Interrupted during pg_basebackup; it was stopped.", e);
        }
    }

    private static int indexOfBreak(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n' || s.charAt(i) == '\r') {
                return i;
            }
        }
        return -1;
    }
}

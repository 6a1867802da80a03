package io.pgwarden.cli;

import io.pgwarden.backup.BackupProgress;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shows copy progress: an updating bar (percent, MB/s, ETA) on a terminal, else a log line every 10 seconds. */
final class ProgressPrinter implements BackupProgress {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressPrinter.class);
    /** Log lines are for CI logs and journald: one each 10 s shows movement without flooding. */
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;
    private final PrintWriter err;
    private final boolean terminal;
    private final String what;
    private long lastLog;

    ProgressPrinter(PrintWriter err, boolean terminal, String what) {
        this.err = err;
        this.terminal = terminal;
        this.what = what;
    }

    @Override
    public void update(long done, long total, int files, int totalFiles, long elapsedNanos) {
        double pct = total == 0 ? 100 : Math.min(100, 100.0 * done / total);
        double mbps = elapsedNanos == 0 ? 0 : done / 1048576.0 / (elapsedNanos / 1e9);
        long eta = mbps <= 0 ? 0 : (long) ((total - done) / 1048576.0 / mbps);
        String line = String.format("%s %5.1f%% %d/%d MB, %d/%d files, %.0f MB/s, ETA %ds", what, pct, done >> 20, total >> 20,
                files, totalFiles, mbps, Math.max(0, eta));
        if (terminal) {
            int width = 30;
            int filled = (int) (pct / 100 * width);
            err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + line + (done >= total ? "\n" : ""));
            err.flush();
        } else if (elapsedNanos - lastLog >= LOG_EVERY_NANOS) {
            lastLog = elapsedNanos;
            LOG.info(line);
        }
    }
}

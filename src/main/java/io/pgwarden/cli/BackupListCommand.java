package io.pgwarden.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pgwarden.backup.BackupManifest;
import io.pgwarden.backup.BackupRepository;
import io.pgwarden.backup.Catalog;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.core.ByteSize;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden backup list}: the backups of a repository and the recoverable window. */
@Command(name = "list", aliases = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Lists the backups of a repository: complete (manifest written) or incomplete (interrupted; never used),"
                        + " marked keep, sizes, duration, LSN and time ranges, how far the archived WAL reaches from"
                        + " each; and the recoverable window: from the end of the oldest restorable backup to the last"
                        + " archived WAL segment without a gap. 'backup info' is the same command.",
                "",
                "Examples:",
                "  pgwarden backup list --repo /srv/backups",
                "  pgwarden backup info --repo s3://acme-db/prod --format json",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed", "1:the repository failed", "2:invalid flag", "21:--backup names no backup"})
public final class BackupListCommand extends AbstractCommand {
    @Mixin
    BackupRepoOptions repo;

    @Option(names = "--backup", paramLabel = "ID", description = "Show only this backup.")
    String backup;

    @Option(names = "--format", paramLabel = "text|json", description = "Output format. Default: text.")
    String format;

    @Override
    protected int execute() throws IOException {
        ConfigSources sources = sources(null);
        boolean json = "json".equals(format);
        if (format != null && !json && !"text".equals(format)) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "--format=" + format + ": expected text or json");
        }
        try (BackupRepository r = repo.open(sources)) {
            Catalog catalog = Catalog.read(r);
            List<Catalog.Entry> shown = catalog.backups().stream().filter(e -> backup == null || e.id().equals(backup)).toList();
            if (backup != null && shown.isEmpty()) {
                throw new PgWardenException(ErrorCode.NOT_FOUND, "--backup " + backup + ": no such backup in " + r.describe());
            }
            if (json) {
                out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document(catalog, shown)));
            } else {
                text(catalog, shown);
            }
            out().flush();
        }
        return 0;
    }

    private void text(Catalog catalog, List<Catalog.Entry> shown) {
        if (shown.isEmpty()) {
            out().println("no backups");
        }
        for (Catalog.Entry e : shown) {
            BackupManifest m = e.manifest();
            if (m == null) {
                out().println(e.id() + "  incomplete (no manifest: interrupted or failed; never used, 'backup expire' removes it)");
                continue;
            }
            out().println(e.id() + "  " + (e.restorable() ? "complete" : "complete, NOT restorable (WAL " + e.chain().firstMissing()
                    + " missing)") + (e.keep() ? ", keep" : "") + "  " + human(m.totalSize()) + " (" + human(m.storedSize())
                    + " stored, " + m.compression() + ")  " + m.startTime() + " .. " + m.stopTime() + "  LSN " + m.startLsn()
                    + " .. " + m.stopLsn() + "  timeline " + m.timeline() + "  took " + m.durationMillis() + " ms"
                    + (e.chain().end() != null ? "  WAL reaches " + e.chain().end() : ""));
        }
        Catalog.Window w = catalog.window();
        out().println(w.fromTime() == null ? "recoverable window: none (no restorable backup)"
                : "recoverable window: " + w.fromTime() + " (" + w.fromLsn() + ") to " + w.toTime() + " (" + w.toLsn() + ")");
    }

    private static Map<String, Object> document(Catalog catalog, List<Catalog.Entry> shown) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Catalog.Entry e : shown) {
            Map<String, Object> b = new LinkedHashMap<>();
            BackupManifest m = e.manifest();
            b.put("id", e.id());
            b.put("status", m == null ? "incomplete" : "complete");
            b.put("restorable", e.restorable());
            b.put("keep", e.keep());
            if (m != null) {
                b.put("startTime", m.startTime());
                b.put("stopTime", m.stopTime());
                b.put("startLsn", m.startLsn());
                b.put("stopLsn", m.stopLsn());
                b.put("timeline", m.timeline());
                b.put("startWal", m.startWal());
                b.put("stopWal", m.stopWal());
                b.put("systemIdentifier", m.systemIdentifier());
                b.put("serverVersionNum", m.serverVersionNum());
                b.put("sizeBytes", m.totalSize());
                b.put("storedBytes", m.storedSize());
                b.put("compression", m.compression());
                b.put("durationMillis", m.durationMillis());
                b.put("files", m.files().size());
                b.put("walReachesLsn", e.chain().end() == null ? null : e.chain().end().toString());
                b.put("walStoredUntil", e.chain().lastArchivedAt() == null ? null : e.chain().lastArchivedAt().toString());
                b.put("firstMissingWal", e.chain().firstMissing());
            }
            list.add(b);
        }
        Catalog.Window w = catalog.window();
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("fromTime", w.fromTime() == null ? null : w.fromTime().toString());
        window.put("fromLsn", w.fromLsn() == null ? null : w.fromLsn().toString());
        window.put("toTime", w.toTime() == null ? null : w.toTime().toString());
        window.put("toLsn", w.toLsn() == null ? null : w.toLsn().toString());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("backups", list);
        doc.put("recoverableWindow", window);
        return doc;
    }

    private static String human(long bytes) {
        return new ByteSize(bytes).toHuman();
    }
}

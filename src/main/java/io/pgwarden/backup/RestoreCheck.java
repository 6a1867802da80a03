package io.pgwarden.backup;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.Lsn;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The checks a restore makes before it writes anything: the backup exists and is complete, its WAL reaches its
 * consistent point and the target (for a time or LSN target: inside the recoverable window), the target timeline
 * descends from the backup's. Picks the backup when none is named: the newest complete one that ends before the
 * target. Each refusal names the backup, the target and what is possible instead.
 */
final class RestoreCheck {
    private RestoreCheck() {
    }

    record Plan(Catalog.Entry backup, TimelineHistory history, WalChain chain) {
    }

    static Plan plan(Catalog catalog, String backupId, RecoveryTarget target, String repo) throws IOException {
        Catalog.Entry e = backupId != null ? named(catalog, backupId, repo) : pick(catalog, target, repo);
        BackupManifest m = e.manifest();
        int tli = switch (target.timeline()) {
            case "latest" -> catalog.latestTimeline();
            case "current" -> m.timeline();
            default -> Integer.parseInt(target.timeline());
        };
        TimelineHistory h = catalog.history(tli);
        if (!h.contains(m.timeline())) {
            throw damaged("backup " + e.id() + " is on timeline " + m.timeline() + ", which is not an ancestor of the target"
                    + " timeline " + tli + " (" + (tli == 1 ? "no history" : WalNames.historyName(tli) + " " + h.switches())
                    + "); choose a backup taken on that timeline's history or another --target-timeline");
        }
        Lsn end = h.endOf(m.timeline());
        if (end != null && Lsn.parse(m.stopLsn()).compareTo(end) > 0) {
            throw damaged("backup " + e.id() + " ends at " + m.stopLsn() + ", after timeline " + m.timeline()
                    + " was left for the target timeline " + tli + " at " + end);
        }
        WalChain chain = WalChain.from(m.startWal(), h, catalog.wal());
        Lsn consistent = new Lsn(Lsn.parse(m.stopLsn()).value() - 1);
        if (!chain.reaches(consistent)) {
            throw damaged("backup " + e.id() + " cannot become consistent: WAL segment " + chain.firstMissing()
                    + " is missing from " + repo + " (the backup needs " + m.startWal() + " to " + m.stopWal() + ")");
        }
        if (target.lsn() != null) {
            if (target.lsn().compareTo(Lsn.parse(m.stopLsn())) < 0) {
                throw invalid("--target-lsn " + target.value() + " is before the end of backup " + e.id() + " ("
                        + m.stopLsn() + "); choose an earlier backup with --backup or a later LSN");
            }
            if (!chain.reaches(target.lsn())) {
                throw damaged("--target-lsn " + target.value() + " is beyond the archived WAL: it ends at " + chain.end()
                        + " (segment " + chain.firstMissing() + " is not in " + repo + "); recoverable up to " + chain.end());
            }
        }
        if (target.time() != null) {
            Instant stop = Instant.parse(m.stopTime());
            if (target.time().isBefore(stop)) {
                throw invalid("--target-time " + target.value() + " is before the end of backup " + e.id() + " (" + stop
                        + "); choose an earlier backup with --backup or a later time");
            }
            if (target.time().isAfter(chain.lastArchivedAt())) {
                throw damaged("--target-time " + target.value() + " is after the last archived WAL (" + chain.lastSegment()
                        + ", stored " + chain.lastArchivedAt() + "): recovery could never reach it. The recoverable window"
                        + " of backup " + e.id() + " ends at " + chain.lastArchivedAt());
            }
        }
        return new Plan(e, h, chain);
    }

    private static Catalog.Entry named(Catalog catalog, String id, String repo) {
        Catalog.Entry e = catalog.find(id).orElseThrow(() -> new PgWardenException(ErrorCode.NOT_FOUND, "--backup " + id
                + ": no such backup in " + repo + " (backups: " + ids(catalog.backups()) + ")"));
        if (!e.complete()) {
            throw damaged("--backup " + id + " is incomplete (no manifest: it was interrupted or failed) and cannot be restored");
        }
        return e;
    }

    private static Catalog.Entry pick(Catalog catalog, RecoveryTarget target, String repo) {
        List<Catalog.Entry> complete = catalog.backups().stream().filter(Catalog.Entry::complete)
                .sorted(Comparator.comparing((Catalog.Entry e) -> e.manifest().stopTime()).reversed()).toList();
        if (complete.isEmpty()) {
            throw new PgWardenException(ErrorCode.NOT_FOUND, "no complete backup in " + repo
                    + "; take one with 'pgwarden backup create'");
        }
        for (Catalog.Entry e : complete) {
            boolean before = target.time() != null ? !Instant.parse(e.manifest().stopTime()).isAfter(target.time())
                    : target.lsn() == null || Lsn.parse(e.manifest().stopLsn()).compareTo(target.lsn()) <= 0;
            if (before) {
                return e;
            }
        }
        Catalog.Entry oldest = complete.get(complete.size() - 1);
        throw damaged(target.describe() + " is before the oldest backup " + oldest.id() + " ends ("
                + oldest.manifest().stopTime() + ", " + oldest.manifest().stopLsn() + "): outside the recoverable window");
    }

    private static String ids(List<Catalog.Entry> all) {
        return all.isEmpty() ? "none" : String.join(", ", all.stream().map(Catalog.Entry::id).toList());
    }

    private static PgWardenException damaged(String message) {
        return new PgWardenException(ErrorCode.BACKUP_DAMAGED, "restore refused, nothing was written: " + message);
    }

    private static PgWardenException invalid(String message) {
        return new PgWardenException(ErrorCode.INVALID_INPUT, "restore refused, nothing was written: " + message);
    }
}

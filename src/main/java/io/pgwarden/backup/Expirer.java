package io.pgwarden.backup;

import io.pgwarden.core.Clock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code pgwarden backup expire}: retention. Keeps the newest {@code keepFull} complete backups, those that ended
 * within {@code keepWithin}, and every backup marked keep; deletes the other backups, incomplete backups older than
 * the newest complete one (interrupted attempts; a running backup is newer), and WAL that no kept backup needs: a
 * segment is kept when it is at or after the start of the oldest backup kept by count or age (the point-in-time
 * window), or inside a keep-marked backup's own start..stop range (its consistency). History files are never
 * deleted (they are tiny and every later timeline needs them). The plan is computed once: a dry run prints exactly
 * what the real run deletes.
 */
public final class Expirer {
    private final BackupRepository repo;
    private final Clock clock;

    public record Plan(List<String> keptBackups, List<String> expiredBackups, List<String> keys, List<String> walFiles) {
    }

    public Expirer(BackupRepository repo, Clock clock) {
        this.repo = repo;
        this.clock = clock;
    }

    public Plan plan(int keepFull, Duration keepWithin) throws IOException {
        Catalog catalog = Catalog.read(repo);
        List<Catalog.Entry> complete = catalog.backups().stream().filter(Catalog.Entry::complete)
                .sorted(Comparator.comparing((Catalog.Entry e) -> e.manifest().stopTime()).reversed()).toList();
        Instant now = clock.now();
        Set<String> window = new LinkedHashSet<>();
        for (int i = 0; i < complete.size(); i++) {
            Catalog.Entry e = complete.get(i);
            boolean recent = keepWithin != null && !Instant.parse(e.manifest().stopTime()).isBefore(now.minus(keepWithin));
            if (i < keepFull || recent) {
                window.add(e.id());
            }
        }
        List<String> kept = new ArrayList<>(window);
        complete.stream().filter(Catalog.Entry::keep).map(Catalog.Entry::id).filter(id -> !window.contains(id)).forEach(kept::add);
        String newestStart = complete.isEmpty() ? null : complete.get(0).manifest().startTime();
        List<String> expired = new ArrayList<>();
        for (Catalog.Entry e : catalog.backups()) {
            if (kept.contains(e.id())) {
                continue;
            }
            // an incomplete backup newer than the newest complete one may be running now: left alone
            if (!e.complete() && (newestStart == null || e.id().compareTo(idOf(newestStart)) >= 0)) {
                continue;
            }
            expired.add(e.id());
        }
        long windowStart = Long.MAX_VALUE;
        List<long[]> keepRanges = new ArrayList<>();
        for (Catalog.Entry e : complete) {
            long start = WalNames.segmentNumber(e.manifest().startWal());
            if (window.contains(e.id())) {
                windowStart = Math.min(windowStart, start);
            } else if (kept.contains(e.id())) {
                keepRanges.add(new long[] {start, WalNames.segmentNumber(e.manifest().stopWal())});
            }
        }
        List<String> wal = new ArrayList<>();
        if (!kept.isEmpty()) {
            for (String name : catalog.wal().keySet().stream().sorted().toList()) {
                if (WalNames.isHistory(name)) {
                    continue;
                }
                long n = WalNames.segmentNumber(name.substring(0, 24));
                boolean needed = n >= windowStart || keepRanges.stream().anyMatch(r -> n >= r[0] && n <= r[1]);
                if (!needed) {
                    wal.add(name);
                }
            }
        }
        List<String> keys = new ArrayList<>();
        for (String id : expired) {
            // the manifest first: a deletion interrupted half-way leaves an incomplete backup, never a damaged complete one
            keys.add(BackupManifest.key(id));
            repo.list("backups/" + id + "/").stream().map(BackupRepository.ObjectInfo::key)
                    .filter(k -> !k.equals(BackupManifest.key(id))).forEach(keys::add);
        }
        WalArchive archive = new WalArchive(repo, null);
        for (String name : wal) {
            archive.find(name).ifPresent(keys::add);
        }
        return new Plan(List.copyOf(kept), List.copyOf(expired), List.copyOf(keys), List.copyOf(wal));
    }

    /** Deletes what {@code plan} lists, in its order. */
    public void execute(Plan plan) throws IOException {
        for (String key : plan.keys()) {
            repo.delete(key);
        }
    }

    private static String idOf(String isoTime) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC)
                .format(Instant.parse(isoTime));
    }
}

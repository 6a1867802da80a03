package io.pgwarden.backup;

import io.pgwarden.core.Lsn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One read of a repository: its backups (complete or not), the archived WAL with the time each file was stored, and
 * the timeline histories; from them, each backup's reach and the recoverable window.
 */
public final class Catalog {
    private final BackupRepository repo;
    private final List<Entry> backups;
    private final Map<String, Instant> wal;
    private final int latestTimeline;

    /** A backup directory: its manifest when complete, whether it is marked keep, and its WAL reach (to latest). */
    public record Entry(String id, BackupManifest manifest, boolean keep, WalChain chain) {
        public boolean complete() {
            return manifest != null;
        }

        /** Whether recovery from it can become consistent: its WAL reaches past its stop LSN. */
        public boolean restorable() {
            return complete() && chain != null && chain.reaches(new Lsn(Lsn.parse(manifest.stopLsn()).value() - 1));
        }
    }

    /** The earliest and latest point a point-in-time recovery can reach (null fields: no restorable backup). */
    public record Window(Instant fromTime, Lsn fromLsn, Instant toTime, Lsn toLsn) {
    }

    private Catalog(BackupRepository repo, List<Entry> backups, Map<String, Instant> wal, int latestTimeline) {
        this.repo = repo;
        this.backups = backups;
        this.wal = wal;
        this.latestTimeline = latestTimeline;
    }

    public static Catalog read(BackupRepository repo) throws IOException {
        Map<String, Instant> wal = new HashMap<>();
        int latest = 1;
        for (BackupRepository.ObjectInfo o : repo.list("wal/")) {
            String file = o.key().substring(o.key().lastIndexOf('/') + 1);
            String name = file.substring(0, file.length() - Compression.ofKey(file).suffix().length());
            if (WalNames.isArchivable(name)) {
                wal.put(name, o.modified());
                if (WalNames.isHistory(name)) {
                    latest = Math.max(latest, WalNames.timeline(name));
                }
            }
        }
        Map<String, List<BackupRepository.ObjectInfo>> dirs = new TreeMap<>();
        for (BackupRepository.ObjectInfo o : repo.list("backups/")) {
            String rest = o.key().substring("backups/".length());
            int slash = rest.indexOf('/');
            if (slash > 0) {
                dirs.computeIfAbsent(rest.substring(0, slash), k -> new ArrayList<>()).add(o);
            }
        }
        Catalog partial = new Catalog(repo, List.of(), wal, latest);
        TimelineHistory latestHistory = partial.history(latest);
        List<Entry> entries = new ArrayList<>();
        for (var d : dirs.entrySet()) {
            String id = d.getKey();
            boolean hasManifest = d.getValue().stream().anyMatch(o -> o.key().equals(BackupManifest.key(id)));
            boolean keep = d.getValue().stream().anyMatch(o -> o.key().equals(keepKey(id)));
            BackupManifest m = hasManifest ? BackupManifest.parse(repo.readAll(BackupManifest.key(id))) : null;
            WalChain chain = null;
            if (m != null) {
                TimelineHistory h = latestHistory.contains(m.timeline()) ? latestHistory : partial.history(m.timeline());
                chain = WalChain.from(m.startWal(), h, wal);
            }
            entries.add(new Entry(id, m, keep, chain));
        }
        return new Catalog(repo, List.copyOf(entries), wal, latest);
    }

    public static String keepKey(String id) {
        return "backups/" + id + "/keep";
    }

    public List<Entry> backups() {
        return backups;
    }

    public Optional<Entry> find(String id) {
        return backups.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    public Map<String, Instant> wal() {
        return wal;
    }

    public int latestTimeline() {
        return latestTimeline;
    }

    /** The ancestry of {@code timeline} from its archived history file (none for timeline 1 or when missing). */
    public TimelineHistory history(int timeline) throws IOException {
        String name = WalNames.historyName(timeline);
        if (timeline == 1 || !wal.containsKey(name)) {
            return TimelineHistory.none(timeline);
        }
        return TimelineHistory.parse(timeline, new String(repo.readAll(WalNames.key(name)), StandardCharsets.UTF_8));
    }

    /** Earliest: the oldest restorable backup's end; latest: the furthest any restorable backup's WAL reaches. */
    public Window window() {
        Instant fromTime = null;
        Lsn fromLsn = null;
        Instant toTime = null;
        Lsn toLsn = null;
        for (Entry e : backups) {
            if (!e.restorable()) {
                continue;
            }
            Instant stop = Instant.parse(e.manifest().stopTime());
            if (fromTime == null || stop.isBefore(fromTime)) {
                fromTime = stop;
                fromLsn = Lsn.parse(e.manifest().stopLsn());
            }
            if (toTime == null || e.chain().lastArchivedAt().isAfter(toTime)) {
                toTime = e.chain().lastArchivedAt();
            }
            if (toLsn == null || e.chain().end().compareTo(toLsn) > 0) {
                toLsn = e.chain().end();
            }
        }
        return new Window(fromTime, fromLsn, toTime, toLsn);
    }
}

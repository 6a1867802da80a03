package io.pgwarden.backup;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.Lsn;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code pgwarden backup verify}: reads every object a backup needs. Each file of the backup is decompressed and its
 * SHA-256 compared with the manifest; each WAL segment from the backup's start to the end of the archive is
 * decompressed (zstd, lz4 and gzip carry their own checksums) and its first page header checked (magic, timeline,
 * address: the right segment). A problem names the object and what it costs: an unrestorable backup, or the
 * point-in-time range that recovery can no longer reach.
 */
public final class Verifier {
    private final BackupRepository repo;

    public record Problem(String object, String what, String cost) {
        public String describe() {
            return object + ": " + what + " — " + cost;
        }
    }

    public record Result(List<String> backups, int files, int walSegments, List<Problem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public Verifier(BackupRepository repo) {
        this.repo = repo;
    }

    public Result execute(String backupId) throws IOException {
        Catalog catalog = Catalog.read(repo);
        List<Catalog.Entry> complete = catalog.backups().stream().filter(Catalog.Entry::complete)
                .sorted(Comparator.comparing((Catalog.Entry e) -> e.manifest().stopTime())).toList();
        List<Catalog.Entry> chosen = backupId == null ? complete : complete.stream().filter(e -> e.id().equals(backupId)).toList();
        if (chosen.isEmpty()) {
            throw new PgWardenException(ErrorCode.NOT_FOUND, backupId == null ? "no complete backup in " + repo.describe()
                    : "--backup " + backupId + ": no complete backup of that id in " + repo.describe());
        }
        List<Problem> problems = new ArrayList<>();
        int files = 0;
        for (Catalog.Entry e : chosen) {
            for (BackupManifest.FileEntry f : e.manifest().files()) {
                files++;
                String key = e.manifest().dataKey(f);
                String what = checkFile(key, f);
                if (what != null) {
                    problems.add(new Problem(key, what, "backup " + e.id() + " cannot be restored"));
                }
            }
        }
        int segments = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Catalog.Entry e : chosen) {
            WalChain chain = e.chain();
            long from = WalNames.segmentNumber(e.manifest().startWal());
            TimelineHistory h = catalog.history(catalog.history(catalog.latestTimeline()).contains(e.manifest().timeline())
                    ? catalog.latestTimeline() : e.manifest().timeline());
            long to = chain.lastSegment() == null ? from - 1 : WalNames.segmentNumber(chain.lastSegment());
            for (long n = from; n <= to; n++) {
                String seg = WalNames.segmentName(h.timelineFor(n), n);
                if (!seen.add(seg)) {
                    continue;
                }
                segments++;
                String what = checkSegment(seg);
                if (what != null) {
                    problems.add(new Problem(new WalArchive(repo, null).find(seg).orElse(WalNames.key(seg)), what,
                            cost(complete, seg)));
                }
            }
            if (!e.restorable()) {
                problems.add(new Problem(WalNames.key(chain.firstMissing()), "missing", "backup " + e.id()
                        + " cannot become consistent (it needs " + e.manifest().startWal() + " to " + e.manifest().stopWal() + ")"));
            } else if (hasLaterWal(catalog, chain.firstMissing()) && !archival(e, complete)) {
                problems.add(new Problem(WalNames.key(chain.firstMissing()), "missing (later WAL is archived: a gap)",
                        cost(complete, chain.firstMissing())));
            }
        }
        return new Result(chosen.stream().map(Catalog.Entry::id).toList(), files, segments,
                problems.stream().distinct().toList());
    }

    /** A backup marked keep with newer backups after it: retention keeps only its own WAL, a gap after it is by design. */
    private static boolean archival(Catalog.Entry e, List<Catalog.Entry> complete) {
        return e.keep() && complete.get(complete.size() - 1) != e;
    }

    private static boolean hasLaterWal(Catalog catalog, String missing) {
        long n = WalNames.segmentNumber(missing);
        return catalog.wal().keySet().stream().anyMatch(w -> WalNames.isSegment(w) && WalNames.segmentNumber(w) > n
                && WalNames.timeline(w) == WalNames.timeline(missing));
    }

    /** What a missing or damaged segment costs: recovery stops before it; until the next backup nothing is reachable. */
    private static String cost(List<Catalog.Entry> complete, String seg) {
        Lsn at = new Lsn(WalNames.segmentNumber(seg) * WalNames.SEGMENT_SIZE);
        Catalog.Entry next = complete.stream().filter(e -> WalNames.segmentNumber(e.manifest().startWal())
                > WalNames.segmentNumber(seg)).findFirst().orElse(null);
        return "point-in-time recovery cannot pass " + at + "; the range from " + at + " to "
                + (next == null ? "the end of the archive is lost" : "the end of backup " + next.id() + " ("
                + next.manifest().stopLsn() + ", " + next.manifest().stopTime() + ") is lost");
    }

    private String checkFile(String key, BackupManifest.FileEntry f) {
        try (InputStream in = Compression.ofKey(key).decompress(repo.read(key))) {
            var counting = new java.io.OutputStream() {
                long n;

                @Override
                public void write(int b) {
                    n++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    n += len;
                }
            };
            String sha = Sha256.of(in, counting);
            if (counting.n != f.size() || !sha.equals(f.sha256())) {
                return "damaged (" + counting.n + " bytes, SHA-256 " + sha.substring(0, 12) + "...; the manifest says "
                        + f.size() + " bytes, " + f.sha256().substring(0, 12) + "...)";
            }
            return null;
        } catch (NoSuchFileException e) {
            return "missing";
        } catch (IOException | RuntimeException e) {
            return "damaged (" + e.getMessage() + ")";
        }
    }

    private String checkSegment(String seg) {
        try {
            var key = new WalArchive(repo, null).find(seg);
            if (key.isEmpty()) {
                return "missing";
            }
            byte[] head = new byte[16];
            long n;
            try (InputStream in = Compression.ofKey(key.get()).decompress(repo.read(key.get()))) {
                int got = in.readNBytes(head, 0, head.length);
                n = got + in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            int tli = b.getInt(4);
            long pageAddr = b.getLong(8);
            long expect = WalNames.segmentNumber(seg) * WalNames.SEGMENT_SIZE;
            if (n != WalNames.SEGMENT_SIZE || tli != WalNames.timeline(seg) || pageAddr != expect) {
                return "damaged (" + n + " bytes, first page says timeline " + tli + " at " + new Lsn(pageAddr) + ")";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "damaged (" + e.getMessage() + ")";
        }
    }
}

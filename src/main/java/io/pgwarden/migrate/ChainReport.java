package io.pgwarden.migrate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One chain's files compared with its history rows: every migration with its {@link MigrationState}, in
 * the order {@code apply} runs them (versions ascending, then repeatable files by name).
 */
public record ChainReport(String group, List<MigrationInfo> migrations) {

    public ChainReport {
        migrations = List.copyOf(migrations);
    }

    /** Compares a chain (possibly with no files left) with the history rows of its group. */
    public static ChainReport compare(String group, MigrationChain chain, List<AppliedMigration> rows) {
        List<ResolvedMigration> versionedFiles = chain == null ? List.of() : chain.versioned();
        List<ResolvedMigration> repeatableFiles = chain == null ? List.of() : chain.repeatable();
        Map<MigrationVersion, AppliedMigration> done = new HashMap<>();
        Map<MigrationVersion, AppliedMigration> failed = new HashMap<>();
        Map<String, AppliedMigration> lastRepeatable = new HashMap<>();
        AppliedMigration baseline = null;
        MigrationVersion maxApplied = null;
        for (AppliedMigration r : rows) {
            switch (r.type()) {
                case BASELINE -> baseline = r;
                case REPEATABLE -> lastRepeatable.put(r.script(), r);
                default -> {
                    MigrationVersion v = MigrationVersion.parse(r.version());
                    if (r.success()) {
                        done.put(v, r);
                        failed.remove(v);
                        maxApplied = maxApplied == null || v.compareTo(maxApplied) > 0 ? v : maxApplied;
                    } else {
                        failed.put(v, r);
                    }
                }
            }
        }
        MigrationVersion baselineVersion = baseline == null ? null : MigrationVersion.parse(baseline.version());
        if (baselineVersion != null && (maxApplied == null || baselineVersion.compareTo(maxApplied) > 0)) {
            maxApplied = baselineVersion;
        }
        List<MigrationInfo> infos = new ArrayList<>();
        Map<MigrationVersion, ResolvedMigration> files = new HashMap<>();
        for (ResolvedMigration f : versionedFiles) {
            files.put(f.version(), f);
            AppliedMigration ok = done.get(f.version());
            AppliedMigration bad = failed.get(f.version());
            MigrationState state;
            if (ok != null) {
                state = ok.checksum() != null && ok.checksum() == f.checksum() ? MigrationState.APPLIED : MigrationState.MODIFIED;
            } else if (bad != null) {
                state = MigrationState.FAILED;
            } else if (baselineVersion != null && f.version().compareTo(baselineVersion) <= 0) {
                state = MigrationState.BELOW_BASELINE;
            } else if (maxApplied != null && f.version().compareTo(maxApplied) < 0) {
                state = MigrationState.IGNORED;
            } else {
                state = MigrationState.PENDING;
            }
            infos.add(MigrationInfo.of(f, ok != null ? ok : bad, state));
        }
        MigrationVersion maxFile = versionedFiles.isEmpty() ? null : versionedFiles.get(versionedFiles.size() - 1).version();
        for (AppliedMigration r : done.values()) {
            MigrationVersion v = MigrationVersion.parse(r.version());
            if (!files.containsKey(v)) {
                boolean future = maxFile != null && v.compareTo(maxFile) > 0;
                infos.add(MigrationInfo.of(null, r, future ? MigrationState.FUTURE : MigrationState.MISSING_FILE));
            }
        }
        for (AppliedMigration r : failed.values()) {
            if (!files.containsKey(MigrationVersion.parse(r.version()))) {
                infos.add(MigrationInfo.of(null, r, MigrationState.FAILED));
            }
        }
        if (baseline != null) {
            infos.add(MigrationInfo.of(null, baseline, MigrationState.BASELINE));
        }
        infos.sort(Comparator.comparing(MigrationInfo::version, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(i -> i.state() == MigrationState.BASELINE ? 1 : 0));
        for (ResolvedMigration f : repeatableFiles) {
            AppliedMigration last = lastRepeatable.get(f.script());
            MigrationState state;
            if (last == null) {
                state = MigrationState.PENDING;
            } else if (!last.success()) {
                state = MigrationState.FAILED;
            } else {
                state = last.checksum() != null && last.checksum() == f.checksum() ? MigrationState.APPLIED : MigrationState.PENDING;
            }
            infos.add(MigrationInfo.of(f, last, state));
        }
        java.util.Set<String> present = new java.util.HashSet<>();
        repeatableFiles.forEach(f -> present.add(f.script()));
        lastRepeatable.values().stream().filter(r -> !present.contains(r.script()))
                .sorted(Comparator.comparing(AppliedMigration::script))
                .forEach(r -> infos.add(MigrationInfo.of(null, r, MigrationState.MISSING_FILE)));
        return new ChainReport(group, infos);
    }

    /**
     * What {@code apply} would run, in order. A failed migration runs again only as {@code policy} allows;
     * otherwise nothing after it in this chain runs.
     */
    public List<MigrationInfo> toApply(RetryPolicy policy) {
        List<MigrationInfo> out = new ArrayList<>();
        for (MigrationInfo i : migrations) {
            if (i.state() == MigrationState.FAILED) {
                boolean changed = i.file() != null && !java.util.Objects.equals(i.checksum(), i.appliedChecksum());
                boolean retry = i.file() != null && (policy == RetryPolicy.RETRY || policy == RetryPolicy.RETRY_CHANGED && changed);
                if (!retry) {
                    break;
                }
                out.add(i);
            } else if (i.state() == MigrationState.PENDING && i.file() != null) {
                out.add(i);
            }
        }
        return out;
    }

    public long count(MigrationState state) {
        return migrations.stream().filter(i -> i.state() == state).count();
    }

    /** {@code (root)} or the group name. */
    public String displayName() {
        return MigrationChain.displayName(group);
    }
}

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

    /**
     * Compares a chain (possibly with no files left) with the history rows of its group. Flyway's baseline migrations
     * follow Flyway's rule: on a chain with no history the highest one is pending and the versioned files up to its
     * version are below it; once the chain has history, baseline migrations that did not run are not used.
     */
    public static ChainReport compare(String group, MigrationChain chain, List<AppliedMigration> rows) {
        List<ResolvedMigration> files = chain == null ? List.of() : chain.versioned();
        List<ResolvedMigration> versionedFiles = new ArrayList<>();
        List<ResolvedMigration> baselineFiles = new ArrayList<>();
        for (ResolvedMigration f : files) {
            (f.type() == MigrationType.BASELINE_MIGRATION ? baselineFiles : versionedFiles).add(f);
        }
        List<ResolvedMigration> repeatableFiles = chain == null ? List.of() : chain.repeatable();
        Map<MigrationVersion, AppliedMigration> done = new HashMap<>();
        Map<MigrationVersion, AppliedMigration> failed = new HashMap<>();
        Map<String, AppliedMigration> lastRepeatable = new HashMap<>();
        Map<String, AppliedMigration> lastBaselineRun = new HashMap<>();
        AppliedMigration baseline = null;
        MigrationVersion maxApplied = null;
        MigrationVersion baselineVersion = null;
        boolean history = false;
        for (AppliedMigration r : rows) {
            switch (r.type()) {
                case BASELINE -> {
                    baseline = r;
                    history = true;
                    baselineVersion = max(baselineVersion, MigrationVersion.parse(r.version()));
                }
                case REPEATABLE -> lastRepeatable.put(r.script(), r);
                case BASELINE_MIGRATION -> {
                    lastBaselineRun.put(r.script(), r);
                    if (r.success()) {
                        history = true;
                        baselineVersion = max(baselineVersion, MigrationVersion.parse(r.version()));
                    }
                }
                default -> {
                    history = true;
                    MigrationVersion v = MigrationVersion.parse(r.version());
                    if (r.success()) {
                        done.put(v, r);
                        failed.remove(v);
                        maxApplied = max(maxApplied, v);
                    } else {
                        failed.put(v, r);
                    }
                }
            }
        }
        List<MigrationInfo> infos = new ArrayList<>();
        // A chain without history starts from its highest baseline migration (Flyway: the latest one at or below
        // the target); a failed run of a baseline migration leaves the chain without history.
        ResolvedMigration chosen = history || baselineFiles.isEmpty() ? null : baselineFiles.get(baselineFiles.size() - 1);
        if (chosen != null) {
            baselineVersion = chosen.version();
        }
        for (ResolvedMigration f : baselineFiles) {
            AppliedMigration last = lastBaselineRun.get(f.script());
            MigrationState state;
            if (last != null && last.success()) {
                state = last.matches(f) ? MigrationState.APPLIED : MigrationState.MODIFIED;
            } else if (last != null && f == chosen) {
                state = MigrationState.FAILED;
            } else {
                state = f == chosen ? MigrationState.PENDING : MigrationState.NOT_USED;
            }
            infos.add(MigrationInfo.of(f, state == MigrationState.NOT_USED ? null : last, state));
        }
        lastBaselineRun.values().stream().filter(r -> baselineFiles.stream().noneMatch(f -> f.script().equals(r.script())))
                .filter(AppliedMigration::success)
                .forEach(r -> infos.add(MigrationInfo.of(null, r, MigrationState.BASELINE)));
        if (baselineVersion != null && (maxApplied == null || baselineVersion.compareTo(maxApplied) > 0)) {
            maxApplied = baselineVersion;
        }
        Map<MigrationVersion, ResolvedMigration> byVersion = new HashMap<>();
        for (ResolvedMigration f : versionedFiles) {
            byVersion.put(f.version(), f);
            AppliedMigration ok = done.get(f.version());
            AppliedMigration bad = failed.get(f.version());
            MigrationState state;
            if (ok != null) {
                state = ok.matches(f) ? MigrationState.APPLIED : MigrationState.MODIFIED;
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
        MigrationVersion maxFile = files.isEmpty() ? null : files.get(files.size() - 1).version();
        for (AppliedMigration r : done.values()) {
            MigrationVersion v = MigrationVersion.parse(r.version());
            if (!byVersion.containsKey(v)) {
                boolean future = maxFile != null && v.compareTo(maxFile) > 0;
                infos.add(MigrationInfo.of(null, r, future ? MigrationState.FUTURE : MigrationState.MISSING_FILE));
            }
        }
        for (AppliedMigration r : failed.values()) {
            if (!byVersion.containsKey(MigrationVersion.parse(r.version()))) {
                infos.add(MigrationInfo.of(null, r, MigrationState.FAILED));
            }
        }
        if (baseline != null) {
            infos.add(MigrationInfo.of(null, baseline, MigrationState.BASELINE));
        }
        // by version; at one version the baseline migration first (it runs instead of the files up to it), the
        // baseline row last
        infos.sort(Comparator.comparing(MigrationInfo::version, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(i -> i.type() == MigrationType.BASELINE_MIGRATION && i.file() != null ? 0
                        : i.state() == MigrationState.BASELINE ? 2 : 1));
        for (ResolvedMigration f : repeatableFiles) {
            AppliedMigration last = lastRepeatable.get(f.script());
            MigrationState state;
            if (last == null) {
                state = MigrationState.PENDING;
            } else if (!last.success()) {
                state = MigrationState.FAILED;
            } else {
                state = last.matches(f) ? MigrationState.APPLIED : MigrationState.PENDING;
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
                boolean changed = i.file() != null && (i.applied() == null || !i.applied().matches(i.file()));
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

    private static MigrationVersion max(MigrationVersion a, MigrationVersion b) {
        return a == null || b.compareTo(a) > 0 ? b : a;
    }

    public long count(MigrationState state) {
        return migrations.stream().filter(i -> i.state() == state).count();
    }

    /** {@code (root)} or the group name. */
    public String displayName() {
        return MigrationChain.displayName(group);
    }
}

package io.pgwarden.agent;

import io.pgwarden.core.PgVersion;
import io.pgwarden.tune.Profile;
import io.pgwarden.tune.ResourceDetector;
import io.pgwarden.tune.ResourceOverrides;
import io.pgwarden.tune.StorageType;
import io.pgwarden.tune.Tuner;
import io.pgwarden.tune.TuningPlan;
import io.pgwarden.tune.Workload;
import java.util.List;

/**
 * How {@code run} tunes PostgreSQL once the major version of its binaries is known: detected (or
 * overridden) resources and the workload profile, as {@code pgwarden tune} takes them.
 */
public record TuneRequest(ResourceOverrides overrides, Workload workload, StorageType storage,
        List<String> preloadLibraries) {
    public TuneRequest {
        preloadLibraries = List.copyOf(preloadLibraries);
    }

    /**
     * Plans once for the newest supported major, so that inputs no major can be tuned for (too little
     * memory) are refused before anything starts.
     *
     * @throws io.pgwarden.core.PgWardenException INVALID_INPUT naming the input and its origin
     */
    public void check() {
        plan(new PgVersion(PgVersion.NEWEST_SUPPORTED));
    }

    /** Detects resources (cgroups, /proc) and plans the settings for {@code major}. */
    public TuningPlan plan(PgVersion major) {
        return Tuner.plan(ResourceDetector.machine().detect(overrides),
                new Profile(workload, storage, major, preloadLibraries));
    }
}

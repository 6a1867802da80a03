package io.pgwarden.cli;

import io.pgwarden.config.Problems;
import io.pgwarden.core.PgVersion;
import io.pgwarden.tune.ResourceDetector;
import io.pgwarden.tune.Resources;
import io.pgwarden.tune.Tuner;
import io.pgwarden.tune.TuningPlan;
import java.io.PrintWriter;
import java.util.Map;

/**
 * The tuned settings {@code up} writes into {@code pgwarden.conf}, computed once the major version of
 * the binaries is known. Ordered; each value as postgresql.conf spells it.
 */
interface UpTuning {
    /** No tuning: PostgreSQL's own defaults. */
    UpTuning NONE = major -> Map.of();

    Map<String, String> settings(PgVersion major);

    /**
     * Detects resources now and plans once for the newest major, so that too little memory is
     * reported before anything is written; returns null when {@code problems} already has entries.
     */
    static UpTuning of(TuningOptions.Inputs inputs, Problems problems, PrintWriter warnings) {
        if (!problems.isEmpty()) {
            return null;
        }
        Resources resources = ResourceDetector.machine().detect(inputs.overrides());
        Tuner.plan(resources, inputs.profile(new PgVersion(PgVersion.NEWEST_SUPPORTED)));
        return major -> {
            TuningPlan plan = Tuner.plan(resources, inputs.profile(major));
            plan.warnings().forEach(warning -> warnings.println("warning: " + warning));
            warnings.flush();
            return plan.settings();
        };
    }
}

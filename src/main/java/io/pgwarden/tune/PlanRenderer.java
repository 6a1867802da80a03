package io.pgwarden.tune;

/** Turns a plan into text for one output format; implementations are stateless. */
public interface PlanRenderer {
    /** The whole output, ending with a newline. */
    String render(TuningPlan plan);

    /** A line describing resources and their sources, shared by the human-readable formats. */
    static String describeResources(TuningPlan plan) {
        Resources r = plan.resources();
        return "memory " + io.pgwarden.core.ByteSize.ofMb(r.memoryMb()).toPgString() + " (from " + r.memorySource()
                + "), " + r.cpus() + " CPU" + (r.cpus() == 1 ? "" : "s") + " (from " + r.cpuSource() + ")";
    }

    /** A line describing the profile, shared by the human-readable formats. */
    static String describeProfile(TuningPlan plan) {
        Profile p = plan.profile();
        return "workload " + p.workload().id() + ", storage " + p.storage().id() + ", PostgreSQL " + p.pgVersion();
    }
}

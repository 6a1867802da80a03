package io.pgwarden.tune;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of {@link Tuner#plan}: the resources and profile it was computed for, the ordered
 * parameters with their reasons, and warnings to show the user (on stderr in the CLI).
 */
public record TuningPlan(Resources resources, Profile profile, List<TunedSetting> parameters, List<String> warnings) {
    public TuningPlan {
        parameters = List.copyOf(parameters);
        warnings = List.copyOf(warnings);
    }

    /** Parameter name to raw value, in plan order; what a caller writes into postgresql.conf. */
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        parameters.forEach(p -> m.put(p.name(), p.value()));
        return Collections.unmodifiableMap(m);
    }

    /** Parameter name to its one-line reason, in plan order. */
    public Map<String, String> reasons() {
        Map<String, String> m = new LinkedHashMap<>();
        parameters.forEach(p -> m.put(p.name(), p.reason()));
        return Collections.unmodifiableMap(m);
    }

    /** The value of {@code name}, or null when the plan does not set it. */
    public String value(String name) {
        return settings().get(name);
    }
}

package io.pgwarden.health;

import java.util.List;
import java.util.Optional;

/** The probe endpoints and their paths. Their exact meaning is in {@link ProbeRules} and docs/agent.md. */
public enum Endpoint {
    LIVENESS(List.of("/liveness"), false),
    READINESS(List.of("/readiness"), true),
    PRIMARY(List.of("/primary", "/read-write"), false),
    REPLICA(List.of("/replica"), true),
    READ_ONLY(List.of("/read-only"), true),
    HEALTH(List.of("/health"), false);

    private final List<String> paths;
    private final boolean acceptsLag;

    Endpoint(List<String> paths, boolean acceptsLag) {
        this.paths = paths;
        this.acceptsLag = acceptsLag;
    }

    public List<String> paths() {
        return paths;
    }

    /** Whether {@code ?lag=} is honoured. */
    public boolean acceptsLag() {
        return acceptsLag;
    }

    /** The endpoint serving {@code path} (exact match, no trailing slash), if any. */
    public static Optional<Endpoint> forPath(String path) {
        for (Endpoint e : values()) {
            if (e.paths.contains(path)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}

package io.pgwarden.ha;

import java.util.Objects;

/**
 * A value read from the store with the version to pass back to a compare-and-set. The version is the store's own
 * (etcd: the key's mod revision; Kubernetes: the object's resourceVersion as a number); it is opaque apart from
 * {@link #ABSENT}, which a compare-and-set uses to mean "only if the key does not exist".
 */
public record Versioned<T>(T value, long version) {
    /** The expected version of a key that must not exist yet: compare-and-set with it creates, never overwrites. */
    public static final long ABSENT = 0;

    public Versioned {
        Objects.requireNonNull(value, "value");
        if (version <= ABSENT) {
            throw new IllegalArgumentException("version of a stored value must be positive, got " + version);
        }
    }
}

package io.pgwarden.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Where clients should go: the read-write target (the primary), the read-only targets (healthy replicas of
 * it), and the nodes that did not answer. Lists are sorted, so two equal topologies are equal records and
 * have the same {@link #signature()}.
 */
public record DesiredEndpoints(NodeAddress primary, List<NodeAddress> replicas, List<NodeAddress> down) {
    public DesiredEndpoints {
        Objects.requireNonNull(primary, "primary");
        replicas = replicas.stream().sorted().toList();
        down = down.stream().sorted().toList();
    }

    /**
     * A short stable hash of the routing (read-write and read-only targets, not the down list): stored by
     * publishers (for example as an annotation) so a reader can tell at a glance whether two places agree.
     */
    public String signature() {
        String canonical = "rw=" + primary + ";ro=" + String.join(",", replicas.stream().map(NodeAddress::toString).toList());
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** {@code rw 10.0.0.1:5432, ro [10.0.0.2:5432], down []}. */
    public String describe() {
        return "rw " + primary + ", ro " + replicas + ", down " + down;
    }
}

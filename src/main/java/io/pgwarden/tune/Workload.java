package io.pgwarden.tune;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the database mostly serves; it decides connection counts, statistics detail, per-query memory
 * and parallelism. Names match the replaced entrypoint's {@code POSTGRES_WORKLOAD_TYPE} values.
 */
public enum Workload {
    /** Many short requests from application servers. */
    WEB(200),
    /** Many concurrent short transactions, more connections than web. */
    OLTP(300),
    /** Data warehouse: few connections running large analytical queries. */
    DW(100),
    /** Some of each. */
    MIXED(120);

    private final int baseConnections;

    Workload(int baseConnections) {
        this.baseConnections = baseConnections;
    }

    /** max_connections for a machine of 8 GB or more, before scaling down for smaller memory. */
    public int baseConnections() {
        return baseConnections;
    }

    /** The name users write ({@code web}, {@code oltp}, {@code dw}, {@code mixed}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static Workload parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Workload w : values()) {
            if (w.id().equals(t)) {
                return w;
            }
        }
        throw new IllegalArgumentException("allowed values are " + allowed());
    }

    /** {@code web, oltp, dw, mixed} for help texts and messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(Workload::id).collect(Collectors.joining(", "));
    }
}

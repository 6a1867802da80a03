package io.pgwarden.tune;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The kind of disk under the data directory; it sets the planner's random I/O cost and how many
 * concurrent reads PostgreSQL issues. Names match the replaced entrypoint's {@code POSTGRES_STORAGE_TYPE}.
 */
public enum StorageType {
    /** Local SSD or NVMe: random reads cost almost what sequential reads cost, deep queues. */
    SSD("1.1", 200),
    /** Spinning disks: random reads are expensive and one spindle serves few requests at a time. */
    HDD("4.0", 2),
    /** Network/SAN volumes: fast random access, but the array schedules the I/O itself. */
    SAN("1.1", 1);

    private final String randomPageCost;
    private final int effectiveIoConcurrency;

    StorageType(String randomPageCost, int effectiveIoConcurrency) {
        this.randomPageCost = randomPageCost;
        this.effectiveIoConcurrency = effectiveIoConcurrency;
    }

    /** random_page_cost as written in postgresql.conf. */
    public String randomPageCost() {
        return randomPageCost;
    }

    public int effectiveIoConcurrency() {
        return effectiveIoConcurrency;
    }

    /** The name users write ({@code ssd}, {@code hdd}, {@code san}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static StorageType parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (StorageType s : values()) {
            if (s.id().equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("allowed values are " + allowed());
    }

    /** {@code ssd, hdd, san} for help texts and messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(StorageType::id).collect(Collectors.joining(", "));
    }
}

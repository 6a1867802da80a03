package io.pgwarden.tune;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Output formats of {@code pgwarden tune}. */
public enum PlanFormat {
    /** postgresql.conf lines with the reasons as comments. */
    CONF(new ConfRenderer()),
    /** One {@code -c name=value} per line, to append to a {@code postgres} command. */
    FLAGS(new FlagsRenderer()),
    /** One JSON object: resources, workload, storage, settings, reasons, warnings. */
    JSON(new JsonRenderer()),
    /** An aligned table for people. */
    TABLE(new TableRenderer());

    private final PlanRenderer renderer;

    PlanFormat(PlanRenderer renderer) {
        this.renderer = renderer;
    }

    public PlanRenderer renderer() {
        return renderer;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static PlanFormat parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (PlanFormat f : values()) {
            if (f.id().equals(t)) {
                return f;
            }
        }
        throw new IllegalArgumentException("allowed values are " + allowed());
    }

    public static String allowed() {
        return Arrays.stream(values()).map(PlanFormat::id).collect(Collectors.joining(", "));
    }
}

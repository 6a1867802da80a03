package io.pgwarden.config;

import io.pgwarden.core.PgWardenException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every validation problem of one configuration, so a user fixes them all in one go
 * instead of one per run. {@link #throwIfAny()} raises a single INVALID_INPUT error listing them.
 */
public final class Problems {
    private final List<String> messages = new ArrayList<>();

    public void add(String message) {
        messages.add(message);
    }

    /** Adds {@code "<origin>=<value>: <rule>"}. */
    public void add(Setting setting, String rule) {
        messages.add(setting.describe() + ": " + rule);
    }

    /** Puts {@code first} before the problems found so far (a file's own problems read before its values'). */
    void addFirst(List<String> first) {
        messages.addAll(0, first);
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    public void throwIfAny() {
        if (!messages.isEmpty()) {
            throw PgWardenException.invalid(messages);
        }
    }
}

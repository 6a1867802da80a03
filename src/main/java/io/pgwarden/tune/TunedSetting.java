package io.pgwarden.tune;

import java.util.Objects;

/**
 * One PostgreSQL parameter of a plan. {@code value} is the raw value as postgresql.conf reads it
 * ({@code 384MB}, {@code 0.9}, {@code pg_stat_statements,auto_explain}); writers quote it where
 * the file syntax needs quotes. {@code reason} is one line saying why this value.
 */
public record TunedSetting(String name, String value, String reason) {
    public TunedSetting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(reason, "reason");
    }
}

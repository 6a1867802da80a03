package io.pgwarden.config;

/**
 * A raw value and where it came from. {@link #origin()} reads as the user wrote it:
 * {@code --memory}, {@code POSTGRES_MEMORY}, {@code pgwarden.yaml: memory} or {@code default}.
 */
public record Setting(String value, String origin) {
    /** {@code origin=value}, the prefix of every validation message about this setting. */
    public String describe() {
        return origin + "=" + value;
    }
}

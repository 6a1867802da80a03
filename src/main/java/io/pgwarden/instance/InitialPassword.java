package io.pgwarden.instance;

import java.util.Objects;

/**
 * A superuser password chosen by the user for the first initialisation (the official image's POSTGRES_PASSWORD or
 * POSTGRES_PASSWORD_FILE) instead of a generated one. It reaches initdb only through {@code --pwfile} and is kept in
 * the password file like a generated one; {@link #toString()} never shows it, so a record holding it can be logged.
 *
 * @param value  the password
 * @param origin where it came from, for messages, e.g. {@code POSTGRES_PASSWORD_FILE=/run/secrets/pg}
 */
public record InitialPassword(String value, String origin) {
    public InitialPassword {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String toString() {
        return "InitialPassword[from " + origin + "]";
    }
}

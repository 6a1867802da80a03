package io.pgwarden.core;

import java.util.List;
import java.util.Objects;

/**
 * The one unchecked exception pgwarden throws for a failure a user should read. The message is a
 * contract: it says what failed, on which object, why, and what to do next. The cause is always
 * kept. Messages never carry a password; {@link Secrets#mask(String)} is applied on the way in.
 */
public class PgWardenException extends RuntimeException {
    private final ErrorCode code;

    public PgWardenException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public PgWardenException(ErrorCode code, String message, Throwable cause) {
        super(Secrets.mask(Objects.requireNonNull(message, "message")), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** An {@link ErrorCode#INVALID_INPUT} error carrying every problem found, one per line. */
    public static PgWardenException invalid(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problems to report");
        }
        return new PgWardenException(ErrorCode.INVALID_INPUT, String.join(System.lineSeparator(), problems));
    }

    public ErrorCode code() {
        return code;
    }
}

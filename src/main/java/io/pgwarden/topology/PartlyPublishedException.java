package io.pgwarden.topology;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;

/**
 * A publish that failed after it had already written something (PgBouncer's ini rewritten but RELOAD failed; the
 * read-write Endpoints updated but the read-only ones not), so that the output says "changed, then failed" instead
 * of implying nothing was touched. Exit code {@link ErrorCode#PUBLISH_FAILED} like every publisher failure.
 */
public final class PartlyPublishedException extends PgWardenException {
    public PartlyPublishedException(String message, Throwable cause) {
        super(ErrorCode.PUBLISH_FAILED, message, cause);
    }
}

package io.pgwarden.ha;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Turns fabric8 failures into results (409/404: someone else won) or COORDINATION_UNAVAILABLE naming the store. */
final class KubernetesErrors {
    private final String store;

    KubernetesErrors(String store) {
        this.store = store;
    }

    /** 409 Conflict (stale resourceVersion, or the object exists) and 404 (it is gone): a lost race, not a failure. */
    static boolean lostRace(KubernetesClientException e) {
        return e.getCode() == 409 || e.getCode() == 404;
    }

    PgWardenException unavailable(String what, KubernetesClientException e) {
        String hint = e.getCode() == 403
                ? "; the service account needs get/list/watch/create/update/delete on leases and configmaps"
                : e.getCode() <= 0 ? "; is the API server reachable?" : "";
        return new PgWardenException(ErrorCode.COORDINATION_UNAVAILABLE, store + ": " + what + " failed"
                + (e.getCode() <= 0 ? "" : " (HTTP " + e.getCode() + ")") + ": " + firstLine(e) + hint, e);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null && !m.contains(c.getMessage())) {
            m = m + " (" + c.getMessage() + ")";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}

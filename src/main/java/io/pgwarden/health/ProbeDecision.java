package io.pgwarden.health;

/** The answer to one probe: pass (HTTP 200) or fail (HTTP 503), and why, in words. */
public record ProbeDecision(boolean pass, String reason) {
    public int httpStatus() {
        return pass ? 200 : 503;
    }

    static ProbeDecision pass(String reason) {
        return new ProbeDecision(true, reason);
    }

    static ProbeDecision fail(String reason) {
        return new ProbeDecision(false, reason);
    }
}

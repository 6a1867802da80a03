package io.pgwarden.agent;

import java.time.Duration;

/** {@link TlsRotation} as an agent loop: one check of the certificate files per {@code --monitor-interval}. */
final class TlsRotationLoop implements AgentLoop {
    private final TlsRotation rotation;
    private final Duration interval;

    TlsRotationLoop(TlsRotation rotation, Duration interval) {
        this.rotation = rotation;
        this.interval = interval;
    }

    @Override
    public String name() {
        return "tls";
    }

    @Override
    public Duration maxSilence() {
        return ServerMonitor.MAX_SILENCE;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public CycleResult cycle() throws Exception {
        // the rotation logs what it installs or refuses itself; the reason only says the loop is at work
        return CycleResult.of(rotation.cycle() ? "installed rotated TLS files and reloaded PostgreSQL"
                : "watching the TLS files for a rotation");
    }
}

package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.health.HealthServer;
import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/** {@code --health-port}, {@code --health-address}: where the agent's HTTP server listens (run, sidecar). */
public final class HealthOptions {
    @Option(names = "--health-port", paramLabel = "PORT",
            description = "Port of the health and metrics HTTP server (/liveness, /readiness, /primary, /replica,"
                    + " /read-only, /health, /metrics). Env: HEALTH_PORT. Default: 8008.")
    String port;

    @Option(names = "--health-address", paramLabel = "ADDRESS",
            description = "Address the health server binds, e.g. 127.0.0.1. Env: HEALTH_ADDRESS. Default: 0.0.0.0 (all).")
    String address;

    /** Resolves flag &gt; env &gt; config file &gt; default; problems are added, not thrown. */
    InetSocketAddress resolve(ConfigSources sources, Problems problems, String defaultAddress) {
        int p = sources.resolve(problems, HealthServer.DEFAULT_PORT, HealthOptions::parsePort, "--health-port", port,
                "HEALTH_PORT");
        String a = sources.resolve(problems, defaultAddress, s -> s, "--health-address", address, "HEALTH_ADDRESS");
        return new InetSocketAddress(a, p);
    }

    private static int parsePort(String text) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected a port number from 1 to 65535 (0 picks a free port)");
    }
}

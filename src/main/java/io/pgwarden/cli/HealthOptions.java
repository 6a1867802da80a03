package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.agent.AgentHealth;
import java.net.InetSocketAddress;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --health-port}, {@code --health-address}: where the agent's HTTP server listens (run, sidecar). */
public final class HealthOptions {
    @Option(names = "--health-port", paramLabel = "PORT",
            description = "Port of the health and metrics HTTP server (/liveness, /readiness, /primary (alias"
                    + " /read-write), /replica, /read-only, /health, /metrics). Env: HEALTH_PORT. Default: 8008; a free port for up (printed on its health: line).")
    String port;

    @Option(names = "--health-address", paramLabel = "ADDRESS",
            description = "Address the health server binds, e.g. 127.0.0.1. Env: HEALTH_ADDRESS. Default: 0.0.0.0 (all);"
                    + " 127.0.0.1 for up.")
    String address;

    @Option(names = "--monitor-interval", paramLabel = "DURATION",
            description = "Time between two checks of the agent's monitor loop (logs the server going away and coming"
                    + " back, re-runs migrations when it returns), e.g. 2s, 30s. Probes do not wait for it: /readiness and"
                    + " the role endpoints check the server on request (cached for 1s). Each check is one statement;"
                    + " shorter intervals notice a return sooner at more idle CPU. Env: PGWARDEN_MONITOR_INTERVAL."
                    + " Default: 10s.")
    String monitorInterval;

    /** The monitor loop's period, flag &gt; env &gt; config file &gt; default; problems are added, not thrown. */
    Duration monitorInterval(ConfigSources sources, Problems problems) {
        return sources.resolve(problems, AgentHealth.DEFAULT_MONITOR_INTERVAL, InputParsers::positiveDuration,
                "--monitor-interval", monitorInterval, "PGWARDEN_MONITOR_INTERVAL");
    }

    /** Resolves flag &gt; env &gt; config file &gt; default; problems are added, not thrown. */
    InetSocketAddress resolve(ConfigSources sources, Problems problems, String defaultAddress, int defaultPort) {
        int p = sources.resolve(problems, defaultPort, HealthOptions::parsePort, "--health-port", port,
                "HEALTH_PORT");
        java.net.InetAddress a = sources.resolve(problems, null, HealthOptions::localAddress, "--health-address", address,
                "HEALTH_ADDRESS");
        return a == null ? new InetSocketAddress(defaultAddress, p) : new InetSocketAddress(a, p);
    }

    /** An address of this machine to bind: a wildcard, a loopback address or one of its interfaces' addresses. */
    static java.net.InetAddress localAddress(String text) {
        java.net.InetAddress a;
        try {
            a = java.net.InetAddress.getByName(text.trim());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("unknown host name; give an IP address of this machine, e.g. 127.0.0.1,"
                    + " or 0.0.0.0 for all");
        }
        try {
            if (a.isAnyLocalAddress() || a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null) {
                return a;
            }
        } catch (java.net.SocketException e) {
            return a; // interfaces cannot be listed here: binding will tell
        }
        throw new IllegalArgumentException("not an address of this machine; give one of its addresses, 127.0.0.1"
                + " (this machine only) or 0.0.0.0 (all)");
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

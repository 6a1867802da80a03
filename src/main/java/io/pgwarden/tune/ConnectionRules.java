package io.pgwarden.tune;

/** max_connections: the workload's base count scaled down for small memory, as the replaced entrypoint did. */
final class ConnectionRules {
    /** Never fewer than this: room for the application, monitoring, migrations and an admin session. */
    static final int MINIMUM = 20;

    private ConnectionRules() {
    }

    /** Percentage of the base count for a memory size: below 2GB 50, below 4GB 70, below 8GB 85, else 100. */
    static int percent(long memoryMb) {
        if (memoryMb < 2048) {
            return 50;
        }
        if (memoryMb < 4096) {
            return 70;
        }
        if (memoryMb < 8192) {
            return 85;
        }
        return 100;
    }

    static int maxConnections(Workload workload, long memoryMb) {
        return maxConnections(workload.baseConnections(), memoryMb);
    }

    static int maxConnections(int baseConnections, long memoryMb) {
        return Math.max(MINIMUM, baseConnections * percent(memoryMb) / 100);
    }

    static TunedSetting setting(Workload workload, long memoryMb, int connections) {
        return new TunedSetting("max_connections", Integer.toString(connections), workload.id() + ": "
                + workload.baseConnections() + " x " + percent(memoryMb) + "% as memory is " + tier(memoryMb)
                + " (at least " + MINIMUM + ")");
    }

    private static String tier(long memoryMb) {
        if (memoryMb < 2048) {
            return "below 2GB";
        }
        if (memoryMb < 4096) {
            return "below 4GB";
        }
        return memoryMb < 8192 ? "below 8GB" : "8GB or more";
    }
}

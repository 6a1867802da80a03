package io.pgwarden.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The postmaster's lock file {@code postmaster.pid}: line 1 is the PID, line 4 the port, line 8 the
 * status ({@code starting}, {@code ready}, {@code standby}, {@code stopping}) that pg_ctl waits on too.
 * The file is rewritten in place by the server, so a read may see it half-written; callers poll.
 */
public record PostmasterPid(long pid, int port, String status) {
    public static final String FILE = "postmaster.pid";

    /** The parsed file, or empty when it is missing or not (yet) complete. */
    public static Optional<PostmasterPid> read(Path dataDir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDir.resolve(FILE));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).trim());
            int port = lines.size() > 3 && !lines.get(3).isBlank() ? Integer.parseInt(lines.get(3).trim()) : 0;
            String status = lines.size() > 7 ? lines.get(7).trim() : "";
            return Optional.of(new PostmasterPid(pid, port, status));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The host a client on this machine reaches the server of {@code dataDir} at: line 6 of the file (the first of
     * listen_addresses) when it is one address, or 127.0.0.1 when it is a wildcard ({@code *}, {@code 0.0.0.0},
     * {@code ::}), {@code localhost} or absent.
     */
    public static String localHost(Path dataDir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDir.resolve(FILE));
        } catch (IOException e) {
            return "127.0.0.1";
        }
        String listen = lines.size() > 5 ? lines.get(5).trim() : "";
        return switch (listen) {
            case "", "*", "0.0.0.0", "::", "localhost" -> "127.0.0.1";
            default -> listen;
        };
    }

    /** True once the server accepts connections: {@code ready} (primary) or {@code standby} (hot standby). */
    public boolean acceptsConnections() {
        return status.equals("ready") || status.equals("standby");
    }
}

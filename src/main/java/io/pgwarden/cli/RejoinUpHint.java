package io.pgwarden.cli;

import io.pgwarden.instance.ManagedConfigReader;
import io.pgwarden.instance.Upstream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code pgwarden up --replica-of} command that starts a node rejoined with {@code --no-start} as it was set
 * up: {@code up} rewrites {@code pgwarden.conf} and a managed {@code pg_hba.conf} from its own flags, so the command
 * carries the node's port, listen addresses and allowed networks (read back from those files), the binaries rejoin
 * used, and the replication flags that name its slot and reach the primary. Defaults of {@code up} are left out.
 *
 * @param dataDir             the node's data directory
 * @param portBeforeStop      the port of the server rejoin stopped ({@code postmaster.pid}), used when pgwarden.conf has none; or null
 * @param pgBin               {@code --pg-bin} as rejoin got it, or null
 * @param major               the data directory's major, for {@code --pg-version} when there is no --pg-bin; or null
 * @param upstream            the new primary, the slot, the role and the node name
 * @param replicationPassword {@code --replication-password-file}, or null
 * @param primaryUser         {@code --primary-user}
 * @param primaryPasswordFile the file rejoin read the primary's password from, or null (PGPASSWORD, which up reads too)
 */
record RejoinUpHint(Path dataDir, Integer portBeforeStop, Path pgBin, Integer major, Upstream upstream,
        Path replicationPassword, String primaryUser, Path primaryPasswordFile) {
    /** Characters a POSIX shell takes literally; anything else is single-quoted. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,@%+-]+");

    String render() {
        Map<String, String> settings = ManagedConfigReader.settings(dataDir);
        List<String> args = new ArrayList<>(List.of("pgwarden", "up", "--data-dir", dataDir.toString()));
        String port = settings.getOrDefault("port", portBeforeStop == null ? "5432" : portBeforeStop.toString());
        args.addAll(List.of("--port", port));
        String listen = settings.get("listen_addresses");
        if (listen != null && !listen.isBlank() && !listen.equals("127.0.0.1")) {
            args.addAll(List.of("--listen", listen));
        }
        List<String> allow = ManagedConfigReader.allowedNetworks(dataDir);
        if (!allow.isEmpty()) {
            args.addAll(List.of("--allow", String.join(",", allow)));
        }
        if (pgBin != null) {
            args.addAll(List.of("--pg-bin", pgBin.toString()));
        } else if (major != null) {
            args.addAll(List.of("--pg-version", major.toString()));
        }
        args.addAll(List.of("--replica-of", upstream.address(), "--node-name", upstream.applicationName()));
        if (!upstream.slot().equals(Upstream.slotFor(upstream.applicationName()))) {
            args.addAll(List.of("--slot", upstream.slot()));
        }
        if (!upstream.role().equals(Upstream.DEFAULT_ROLE)) {
            args.addAll(List.of("--replication-user", upstream.role()));
        }
        if (replicationPassword != null) {
            args.addAll(List.of("--replication-password-file", replicationPassword.toString()));
        }
        if (!primaryUser.equals("postgres")) {
            args.addAll(List.of("--primary-user", primaryUser));
        }
        if (primaryPasswordFile != null) {
            args.addAll(List.of("--primary-password-file", primaryPasswordFile.toString()));
        }
        return String.join(" ", args.stream().map(RejoinUpHint::quote).toList());
    }

    static String quote(String arg) {
        return PLAIN.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}

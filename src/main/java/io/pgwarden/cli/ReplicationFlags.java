package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.instance.CloneMethod;
import io.pgwarden.instance.PasswordFile;
import io.pgwarden.instance.Upstream;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.topology.NodeAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options shared by {@code up --replica-of} and {@code rejoin}: this node's name and slot, the replication
 * role and its password file, and the superuser connection to the primary that pgwarden uses to create the
 * role and the slot (and for the local copy or pg_rewind).
 */
public final class ReplicationFlags {
    @Option(names = "--node-name", paramLabel = "NAME",
            description = "This node's name: the primary's application_name for it, and the source of the slot name."
                    + " Env: PGWARDEN_NODE_NAME (else HOSTNAME). Default: the data directory's name.")
    String nodeName;

    @Option(names = "--slot", paramLabel = "NAME",
            description = "Physical replication slot on the primary (a-z, 0-9, _). Env: PGWARDEN_SLOT."
                    + " Default: the node name with other characters replaced by _.")
    String slot;

    @Option(names = "--replication-user", paramLabel = "ROLE",
            description = "Replication role pgwarden creates on the primary. Env: PGWARDEN_REPLICATION_USER. Default: replicator.")
    String replicationUser;

    @Option(names = "--replication-password-file", paramLabel = "FILE",
            description = "File with the replication role's password (created, mode 0600, with a generated one when"
                    + " missing; share it between replicas). Env: PGWARDEN_REPLICATION_PASSWORD_FILE."
                    + " Default: a generated password, kept only in <data-dir>/pgwarden.replication.pgpass.")
    String replicationPasswordFile;

    @Option(names = "--primary-user", paramLabel = "NAME",
            description = "Superuser on the primary, to create the role and slot. Env: PGWARDEN_PRIMARY_USER. Default: postgres.")
    String primaryUser;

    @Option(names = "--primary-password-file", paramLabel = "FILE",
            description = "File whose first line is --primary-user's password (e.g. the primary's pgwarden.password)."
                    + " Env: PGWARDEN_PRIMARY_PASSWORD_FILE. Without it the password comes from PGPASSWORD (rejoin: else"
                    + " from <data-dir>/pgwarden.password).")
    String primaryPasswordFile;

    @Option(names = "--clone-method", paramLabel = "METHOD",
            description = "auto, base-backup (pg_basebackup) or local-copy (pg_backup_start + a copy of the primary's data"
                    + " directory on this machine). Env: PGWARDEN_CLONE_METHOD. Default: auto (pg_basebackup when present).")
    String cloneMethod;

    /** Everything resolved: the upstream, the primary's superuser connection and the clone options. */
    record Resolved(Upstream upstream, ConnectionSpec primarySuperuser, Path replicationPasswordFile, CloneMethod method) {
    }

    /**
     * @param primary      the primary's address as given ({@code --replica-of} or {@code --primary})
     * @param dataDir      this node's data directory (default node name)
     * @param fallbackPass password file used when neither --primary-password-file nor PGPASSWORD is set, or null
     */
    Resolved resolve(ConfigSources sources, Problems problems, NodeAddress primary, Path dataDir, Path fallbackPass) {
        String node = sources.resolve(problems, defaultNodeName(sources, dataDir), String::strip, "--node-name", nodeName,
                "PGWARDEN_NODE_NAME");
        String slotName = sources.resolve(problems, Upstream.slotFor(node), ReplicationFlags::slot, "--slot",
                slot, "PGWARDEN_SLOT");
        String role = sources.resolve(problems, Upstream.DEFAULT_ROLE, ReplicationFlags::role, "--replication-user",
                replicationUser, "PGWARDEN_REPLICATION_USER");
        Path replFile = sources.resolve(problems, null, InputParsers::path, "--replication-password-file",
                replicationPasswordFile, "PGWARDEN_REPLICATION_PASSWORD_FILE");
        String superuser = sources.resolve(problems, "postgres", String::strip, "--primary-user", primaryUser, "PGWARDEN_PRIMARY_USER");
        Path passFile = sources.resolve(problems, null, InputParsers::readableFile, "--primary-password-file", primaryPasswordFile,
                "PGWARDEN_PRIMARY_PASSWORD_FILE");
        CloneMethod method = sources.resolve(problems, CloneMethod.AUTO, ReplicationFlags::method, "--clone-method",
                cloneMethod, "PGWARDEN_CLONE_METHOD");
        if (!problems.isEmpty()) {
            return null;
        }
        String password = passFile != null ? PasswordFile.read(passFile) : sources.env("PGPASSWORD");
        if (password == null && fallbackPass != null && java.nio.file.Files.isReadable(fallbackPass)) {
            password = PasswordFile.read(fallbackPass);
        }
        ConnectionSpec spec = ConnectionSpec.fromEnv(java.util.Map.of()).withHostPort(primary.host(), primary.port())
                .withDatabase("postgres").withUser(superuser, password).withConnectTimeout(Duration.ofSeconds(10))
                .withApplicationName("pgwarden-" + node);
        return new Resolved(new Upstream(primary.host(), primary.port(), role, slotName, node), spec, replFile, method);
    }

    private static String defaultNodeName(ConfigSources sources, Path dataDir) {
        String host = sources.env("HOSTNAME");
        return host != null && !host.isBlank() ? host.strip() : dataDir.getFileName().toString();
    }

    static String slot(String text) {
        String s = text.strip();
        if (!s.matches("[a-z0-9_]{1,63}")) {
            throw new IllegalArgumentException("a replication slot name may contain only lower-case letters, digits and"
                    + " underscores, 1 to 63 characters (e.g. node_2)");
        }
        return s;
    }

    static String role(String text) {
        String r = text.strip();
        String problem = io.pgwarden.pg.SqlIdentifiers.problem(r);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return r;
    }

    static CloneMethod method(String text) {
        for (CloneMethod m : CloneMethod.values()) {
            if (m.flagValue().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("expected auto, base-backup or local-copy");
    }

    static NodeAddress address(String text) {
        return NodeAddress.parse(text, 5432);
    }
}

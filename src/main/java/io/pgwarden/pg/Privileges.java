package io.pgwarden.pg;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL refuses to run as root. When pgwarden itself runs as root, server programs are
 * started through {@code setpriv --reuid --regid --init-groups}, which execs: the child PID is then
 * the program itself (the postmaster), so signals reach it directly. {@code runuser} and {@code su}
 * fork and kill their child on TERM, so they are not used. Unprivileged, programs run as pgwarden's
 * own user.
 */
public final class Privileges {
    /** The account server programs run as when pgwarden runs as root. */
    public static final String DEFAULT_SERVER_USER = "postgres";

    private final boolean root;
    private final String serverUser;
    private final long uid;
    private final String userName;

    /** As {@link #Privileges(boolean, String, long, String)} with this process's own uid and user name. */
    public Privileges(boolean root, String serverUser) {
        this(root, serverUser, currentUid(), currentUserName());
    }

    /**
     * @param root       whether pgwarden runs as uid 0 (server programs then go through setpriv)
     * @param serverUser the account server programs run as under root
     * @param uid        this process's uid: the owner PostgreSQL expects of its data directory when not root
     * @param userName   this process's user name, for messages
     */
    public Privileges(boolean root, String serverUser, long uid, String userName) {
        this.root = root;
        this.serverUser = serverUser;
        this.uid = uid;
        this.userName = userName;
    }

    /** Detects whether this process runs as uid 0. */
    public static Privileges detect(String serverUser) {
        return new Privileges(currentUid() == 0, serverUser == null ? DEFAULT_SERVER_USER : serverUser);
    }

    /**
     * This process's user name; {@code uid N} when the uid has no passwd entry (an arbitrary uid given by
     * the orchestrator, as OpenShift does), where the JVM reports {@code ?}.
     */
    static String currentUserName() {
        return userNameOrUid(System.getProperty("user.name"), currentUid());
    }

    static String userNameOrUid(String userName, long uid) {
        return userName == null || userName.isBlank() || userName.equals("?") ? "uid " + uid : userName;
    }

    public static long currentUid() {
        try {
            Object uid = java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
            return ((Number) uid).longValue();
        } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : 1000;
        }
    }

    public boolean isRoot() {
        return root;
    }

    /** This process's uid; unprivileged, PostgreSQL runs with it and requires it to own the data directory. */
    public long uid() {
        return uid;
    }

    /** The user the server runs as: {@link #serverUser} under root, else the current user. */
    public String effectiveServerUser() {
        return root ? serverUser : userName;
    }

    /** {@code command} prefixed with setpriv when running as root, unchanged otherwise. */
    public List<String> asServerUser(List<String> command) {
        if (!root) {
            return command;
        }
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + serverUser, "--regid=" + serverUser,
                "--init-groups", "--"));
        full.addAll(command);
        return full;
    }
}

package io.pgwarden.instance;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * Whether the user PostgreSQL will run as exists and can own the data directory, checked before anything is
 * written. PostgreSQL starts only on a data directory owned by the uid it runs as. As root, pgwarden creates
 * directories and hands them to the server user; unprivileged (a container with {@code USER postgres}), it
 * can neither change an owner nor write where its user may not, so those cases are named here with what to
 * do, instead of surfacing later as an "Operation not permitted" from initdb or "wrong ownership" from the server.
 */
final class ServerUserAccess {
    private final Privileges privileges;

    ServerUserAccess(Privileges privileges) {
        this.privileges = privileges;
    }

    /**
     * @param dataDir      the absolute data directory
     * @param state        what is there now
     * @param passwordFile where the superuser password is (or will be) kept
     */
    void check(Path dataDir, DataDirectory.State state, Path passwordFile) {
        checkDataDirectory(dataDir, state);
        if (privileges.isRoot() || state == DataDirectory.State.NOT_A_DIRECTORY) {
            return;
        }
        Path password = passwordFile.toAbsolutePath().normalize();
        if (state != DataDirectory.State.INITIALIZED && !password.startsWith(dataDir) && !Files.exists(password)) {
            requireCreatable("--password-file", password);
        }
    }

    /** The data directory alone (a replica's clone target has no password file of its own). */
    void checkDataDirectory(Path dataDir, DataDirectory.State state) {
        if (state == DataDirectory.State.NOT_A_DIRECTORY) {
            return; // Preflight and the cloner say so in their own words
        }
        if (privileges.isRoot()) {
            // root hands new directories to the server user; an initialised one owned by someone else is refused
            // by PostgreSQL itself ("data directory has wrong ownership"), whose output pgwarden shows
            requireServerUser();
            return;
        }
        requireUserName();
        if (state == DataDirectory.State.MISSING) {
            requireCreatable("--data-dir", dataDir);
        } else {
            requireOwner(dataDir, state);
        }
    }

    /** Under root the server user must exist: PostgreSQL refuses root, and setpriv needs an account to switch to. */
    private void requireServerUser() {
        String user = privileges.effectiveServerUser();
        try {
            java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
        } catch (UserPrincipalNotFoundException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "PostgreSQL refuses to run as root, so pgwarden, running"
                    + " as root, starts it as '" + user + "', but this system has no user '" + user + "'. Create it"
                    + " (e.g. useradd --system --home-dir /var/lib/postgresql " + user + "), or run pgwarden as an"
                    + " unprivileged user (USER in a Dockerfile, runAsUser on Kubernetes); it then runs PostgreSQL as"
                    + " that user.", e);
        } catch (IOException e) {
            // the lookup service itself failed: setpriv will report the account problem in its own words
        }
    }

    /**
     * initdb and postgres look their user up by uid and refuse to run without an entry ("could not look up
     * effective user ID"); an orchestrator may assign such a uid (OpenShift's arbitrary uids, docker --user 12345).
     */
    private void requireUserName() {
        if (named()) {
            return;
        }
        long uid = privileges.uid();
        throw new PgWardenException(ErrorCode.ENVIRONMENT, "pgwarden runs as uid " + uid + ", which has no user name"
                + " (no entry in /etc/passwd), and PostgreSQL's initdb and postgres refuse to run under a uid they"
                + " cannot look up. Run with a uid the image knows (e.g. docker run --user postgres, or runAsUser set to"
                + " the postgres uid), or add an entry for uid " + uid + " before starting pgwarden (e.g. 'postgres:x:"
                + uid + ":0::/var/lib/postgresql:/bin/sh' appended to a group-writable /etc/passwd, or nss_wrapper).");
    }

    /** Unprivileged, the existing directory must belong to this process's uid: PostgreSQL runs with it. */
    private void requireOwner(Path dir, DataDirectory.State state) {
        PosixFileAttributes a;
        long ownerUid;
        try {
            a = Files.readAttributes(dir, PosixFileAttributes.class);
            ownerUid = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return; // not a POSIX file system: the server will judge
        }
        if (ownerUid == privileges.uid()) {
            return;
        }
        String owner = a.owner().getName() + (a.owner().getName().equals(Long.toString(ownerUid)) ? "" : " (uid " + ownerUid + ")");
        // a volume mounted root-owned but writable for this user's group (Kubernetes fsGroup): a subdirectory works
        boolean subdirectory = state != DataDirectory.State.INITIALIZED && Files.isWritable(dir) && Files.isExecutable(dir);
        throw new PgWardenException(ErrorCode.ENVIRONMENT, "--data-dir=" + dir + ": the directory is owned by " + owner
                + ", but pgwarden runs as " + self() + ", not root, so PostgreSQL runs as " + who() + " too and starts"
                + " only on a data directory owned by the user it runs as; without root, pgwarden cannot change the owner. "
                + (subdirectory ? "Use a subdirectory that pgwarden creates itself, e.g. --data-dir="
                + dir.resolve("pgdata") + ", or give " : "Give ")
                + "the directory to " + who() + " (as root: chown -R " + privileges.effectiveServerUser() + " " + dir + "), or choose"
                + " another --data-dir.");
    }

    /** A path pgwarden will create: its nearest existing ancestor must let this process enter it and create entries. */
    private void requireCreatable(String flag, Path path) {
        Path ancestor = path.getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null || !Files.isDirectory(ancestor)) {
            return; // a file in the way: Preflight names it
        }
        boolean enter = Files.isExecutable(ancestor);
        if (enter && Files.isWritable(ancestor)) {
            return;
        }
        String thing = flag.equals("--data-dir") ? "directory" : "file";
        throw new PgWardenException(ErrorCode.ENVIRONMENT, flag + "=" + path + ": pgwarden runs as " + self()
                + ", not root, and cannot create this " + thing + ": " + ancestor + " (" + describe(ancestor)
                + ") does not let " + who() + " " + (enter ? "create entries in it" : "enter it") + ". "
                + (thing.equals("directory")
                ? "Create " + path + " for " + who() + " beforehand (as root: mkdir -p " + path + " && chown "
                + privileges.effectiveServerUser() + " " + path + "), or choose a --data-dir in a directory " + who() + " can write."
                : "Choose a --password-file in a directory " + who() + " can write, or leave the flag out to keep"
                + " the password file in the data directory."));
    }

    /** {@code 'postgres' (uid 101)}. */
    private String self() {
        return who() + " (uid " + privileges.uid() + ")";
    }

    /** {@code 'postgres'}. */
    private String who() {
        return "'" + privileges.effectiveServerUser() + "'";
    }

    /** Whether this process's uid has a user name ({@link Privileges} says {@code uid N} when it has none). */
    private boolean named() {
        return !privileges.effectiveServerUser().equals("uid " + privileges.uid());
    }

    /** {@code owner root, mode rwxr-xr-x}, or nothing more than the path when its attributes are unreadable. */
    private static String describe(Path p) {
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
            return "owner " + a.owner().getName() + ", mode " + PosixFilePermissions.toString(a.permissions());
        } catch (IOException | UnsupportedOperationException e) {
            return "attributes unreadable";
        }
    }
}

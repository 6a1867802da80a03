package io.pgwarden.instance;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The superuser password pgwarden generates on first init: 32 random bytes, URL-safe Base64 (43
 * characters, no quoting issues in URLs or .pgpass), kept in a mode-0600 file owned by the server user.
 * It reaches initdb only through {@code --pwfile}, never a command line, and is never logged.
 */
public final class PasswordFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordFile() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Writes {@code password} (plus a newline) to {@code file}, mode 0600, atomically. */
    public static void write(ServerFiles files, Path file, String password) throws IOException {
        files.write(file, password + "\n", ServerFiles.OWNER_ONLY_FILE);
    }

    /**
     * The password in {@code file} (first line, trimmed).
     *
     * @throws PgWardenException INVALID_INPUT naming the file when it does not exist; ENVIRONMENT when it cannot be
     *                           read or is empty
     */
    public static String read(Path file) {
        try {
            String text = Files.readString(file).lines().findFirst().orElse("").strip();
            if (text.isEmpty()) {
                throw new PgWardenException(ErrorCode.ENVIRONMENT, "Password file " + file + " is empty; "
                        + "write the superuser password on its first line.");
            }
            return text;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "Password file " + file + " does not exist; check the"
                    + " path (pgwarden reads it, it does not create it).", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot read password file " + file
                    + " (permission denied). Run as a user that can read it (pgwarden writes its own with mode 0600).", e);
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot read password file " + file + " (" + e + ").", e);
        }
    }
}

package io.pgwarden.topology;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads PostgreSQL's stored SCRAM-SHA-256 verifiers ({@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>})
 * to tell whether a password is the one stored, without setting it again: the same computation as the server's,
 * done by the driver's encoder with the stored salt and iteration count.
 */
final class ScramVerifier {
    private ScramVerifier() {
    }

    static boolean isScram(String stored) {
        return stored != null && stored.startsWith("SCRAM-SHA-256$");
    }

    static boolean matches(String stored, String password) {
        if (!isScram(stored)) {
            return false;
        }
        try {
            String[] parts = stored.substring("SCRAM-SHA-256$".length()).split("\\$");
            String[] iterSalt = parts[0].split(":");
            int iterations = Integer.parseInt(iterSalt[0]);
            byte[] salt = Base64.getDecoder().decode(iterSalt[1]);
            String computed = org.postgresql.util.PasswordUtil.encodeScramSha256(password.toCharArray(), iterations, salt);
            return java.security.MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                    stored.getBytes(StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            return false;
        }
    }
}

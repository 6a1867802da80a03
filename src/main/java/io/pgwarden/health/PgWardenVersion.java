package io.pgwarden.health;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** pgwarden's version, as Maven wrote it into {@code pgwarden-version.properties}. */
public final class PgWardenVersion {
    private static final String VERSION = load();

    private PgWardenVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = PgWardenVersion.class.getResourceAsStream("/pgwarden-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}

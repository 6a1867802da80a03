package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.instance.InitialPassword;
import io.pgwarden.instance.InstanceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The bootstrap superuser of {@code run} and {@code up}, named and given a password as the official PostgreSQL image
 * does: {@code --superuser}/POSTGRES_USER, and for the first initialisation only {@code --initial-password-file}/
 * POSTGRES_PASSWORD_FILE or POSTGRES_PASSWORD (an environment variable only: a password on a command line is visible
 * to every user of the machine). Without either, pgwarden generates the password. The value is never logged or shown
 * in an error.
 */
public final class SuperuserOptions {
    static final String USER_ENV = "POSTGRES_USER";
    static final String PASSWORD_ENV = "POSTGRES_PASSWORD";
    static final String PASSWORD_FILE_ENV = "POSTGRES_PASSWORD_FILE";

    @Option(names = "--superuser", paramLabel = "NAME",
            description = "The superuser initdb creates and pgwarden connects as. Env: POSTGRES_USER. Default: postgres.")
    String superuser;

    @Option(names = "--initial-password-file", paramLabel = "FILE",
            description = "File whose first line is the superuser's password, used on first initialisation only (an"
                    + " existing data directory keeps its password); POSTGRES_PASSWORD gives it directly."
                    + " Env: POSTGRES_PASSWORD_FILE. Default: a generated password.")
    String initialPasswordFile;

    /** The superuser's name and the initial password (null: generate one). */
    record Resolved(String superuser, InitialPassword initialPassword) {
    }

    Resolved resolve(ConfigSources sources, Problems problems) {
        String name = sources.resolve(problems, InstanceConfig.DEFAULT_SUPERUSER, InputParsers::identifier, "--superuser",
                superuser, USER_ENV);
        Optional<Setting> file = sources.find("--initial-password-file", initialPasswordFile, PASSWORD_FILE_ENV);
        String direct = sources.env(PASSWORD_ENV);
        boolean directSet = direct != null && !direct.isEmpty();
        if (file.isPresent() && directSet) {
            problems.add(PASSWORD_ENV + " and " + file.get().origin() + " are both set: give the password one way only");
            return new Resolved(name, null);
        }
        if (directSet) {
            if (direct.isBlank() || direct.contains("\n")) {
                problems.add(PASSWORD_ENV + ": the password is blank or spans several lines; give one line of text");
                return new Resolved(name, null);
            }
            return new Resolved(name, new InitialPassword(direct, PASSWORD_ENV));
        }
        if (file.isEmpty()) {
            return new Resolved(name, null);
        }
        String origin = file.get().describe();
        Path path;
        try {
            path = InputParsers.readableFile(file.get().value().trim());
        } catch (IllegalArgumentException e) {
            problems.add(file.get(), e.getMessage());
            return new Resolved(name, null);
        }
        try {
            String first = Files.readString(path).lines().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                problems.add(file.get(), "the file's first line is empty; write the password on it");
                return new Resolved(name, null);
            }
            return new Resolved(name, new InitialPassword(first, origin));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            problems.add(file.get(), "cannot read it (" + e.getClass().getSimpleName() + ")");
            return new Resolved(name, null);
        }
    }
}

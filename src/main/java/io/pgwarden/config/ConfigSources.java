package io.pgwarden.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Resolves settings with the precedence CLI flag &gt; environment variable &gt; configuration file &gt;
 * default. The environment and file are captured once at construction, so a resolved
 * configuration never changes underneath a running command.
 */
public final class ConfigSources {
    /** Environment variable naming the configuration file when {@code --config} is not given. */
    public static final String CONFIG_ENV = "PGWARDEN_CONFIG";

    private final Map<String, String> env;
    private final Map<String, String> file;
    /** Normalised key ({@link #normalise}) to the key as written in the file, for messages. */
    private final Map<String, String> keys;
    private final String fileName;
    /** Problems of the file itself (unknown or repeated keys), reported with the values' problems. */
    private final List<String> fileProblems;
    /** The problem lists {@link #fileProblems} were added to already (by identity), so each gets them once. */
    private final Set<Problems> reportedTo = Collections.newSetFromMap(new IdentityHashMap<>());

    public ConfigSources(Map<String, String> env, Map<String, String> fileValues, String fileName) {
        this(env, fileValues, fileName, List.of());
    }

    private ConfigSources(Map<String, String> env, Map<String, String> fileValues, String fileName,
            List<String> problems) {
        this.env = Map.copyOf(env);
        this.file = Map.copyOf(fileValues);
        this.fileName = fileName;
        Map<String, String> byNormal = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(problems);
        for (String key : new TreeSet<>(fileValues.keySet())) {
            String earlier = byNormal.putIfAbsent(normalise(key), key);
            if (earlier != null) {
                all.add("Configuration file " + fileName + ": '" + earlier + "' and '" + key
                        + "' are the same setting; keep one of them.");
            }
        }
        this.keys = Map.copyOf(byNormal);
        this.fileProblems = List.copyOf(all);
    }

    /**
     * A key as compared: without dashes and underscores, in lower case, so that {@code no-tune},
     * {@code notune} and {@code no_tune} all name {@code --no-tune}.
     */
    public static String normalise(String key) {
        return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** Sources with the given environment and no configuration file; for tests and simple commands. */
    public static ConfigSources ofEnv(Map<String, String> env) {
        return new ConfigSources(env, Map.of(), null);
    }

    /**
     * Reads the process environment and the YAML file named by {@code configFile} (or by
     * {@value #CONFIG_ENV}); keys of the file are the long flag names without the leading dashes
     * ({@code health-port}; {@code healthport} and {@code health_port} are the same key). The file is named in
     * messages by its path as given.
     */
    public static ConfigSources load(Path configFile, Map<String, String> env) {
        Path path = configFile;
        if (path == null && env.get(CONFIG_ENV) != null && !env.get(CONFIG_ENV).isBlank()) {
            path = Path.of(env.get(CONFIG_ENV));
        }
        if (path == null) {
            return ofEnv(env);
        }
        return new ConfigSources(env, readYaml(path), path.toString());
    }

    private static Map<String, String> readYaml(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT,
                    "Configuration file " + path + " does not exist or is not a file; fix --config or " + CONFIG_ENV + ".");
        }
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
            Map<String, String> values = new LinkedHashMap<>();
            if (root == null || root.isMissingNode() || root.isNull()) {
                return values;
            }
            if (!root.isObject()) {
                throw new PgWardenException(ErrorCode.INVALID_INPUT,
                        "Configuration file " + path + " must be a YAML mapping of setting: value, e.g. 'memory: 2GB'.");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                values.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
            }
            return values;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var where = e.getLocation();
            String at = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
            throw new PgWardenException(ErrorCode.INVALID_INPUT, "Configuration file " + path + " is not valid YAML"
                    + at + ": " + e.getOriginalMessage().lines().findFirst().orElse("") + ".", e);
        } catch (IOException e) {
            throw new PgWardenException(ErrorCode.INVALID_INPUT,
                    "Cannot read configuration file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first of: the flag value (if the user gave it), the environment variable, the file key.
     *
     * @param flag     the flag's name for messages, e.g. {@code --memory}
     * @param flagValue the value picocli parsed, or null when the flag was not given
     * @param envNames environment variables to consult, first one wins (may be empty)
     */
    public Optional<Setting> find(String flag, String flagValue, String... envNames) {
        if (flagValue != null) {
            return Optional.of(new Setting(flagValue, flag));
        }
        for (String name : envNames) {
            String v = env.get(name);
            if (v != null && !v.isEmpty()) {
                return Optional.of(new Setting(v, name));
            }
        }
        String key = keys.get(normalise(flag.startsWith("--") ? flag.substring(2) : flag));
        if (key != null) {
            return Optional.of(new Setting(file.get(key), fileName + ": " + key));
        }
        return Optional.empty();
    }

    /**
     * Resolves and parses a setting. A parse failure ({@link IllegalArgumentException}) is recorded in
     * {@code problems} as {@code "<origin>=<value>: <message>"} and the default is returned, so that
     * validation goes on and reports every problem at once. The file's own problems (see
     * {@link #requireKnownKeys}) are added to each {@code problems} list the first time it is passed here.
     */
    public <T> T resolve(Problems problems, T defaultValue, Function<String, T> parser, String flag,
            String flagValue, String... envNames) {
        synchronized (reportedTo) {
            if (!fileProblems.isEmpty() && reportedTo.add(problems)) {
                problems.addFirst(fileProblems);
            }
        }
        Optional<Setting> setting = find(flag, flagValue, envNames);
        if (setting.isEmpty()) {
            return defaultValue;
        }
        try {
            return parser.apply(setting.get().value().trim());
        } catch (IllegalArgumentException e) {
            problems.add(setting.get(), e.getMessage());
            return defaultValue;
        }
    }

    /**
     * Keys of the configuration file that are not in {@code known} (long option names without
     * dashes), so a misspelt setting is reported instead of silently ignored.
     */
    public List<String> unknownFileKeys(Set<String> known) {
        Set<String> normal = new TreeSet<>();
        known.forEach(k -> normal.add(normalise(k)));
        return file.keySet().stream().filter(k -> !normal.contains(normalise(k))).sorted().toList();
    }

    /**
     * These sources, with a problem naming every key of the file not in {@code known} (long option names
     * without dashes). The problem is not thrown here but reported by {@link #resolve} together with the
     * problems of the values, so that one run lists everything to fix.
     *
     * @param example a key: value line to show as the right form, e.g. {@code memory: 2GB}
     */
    public ConfigSources requireKnownKeys(Set<String> known, String example) {
        List<String> unknown = unknownFileKeys(known);
        if (unknown.isEmpty()) {
            return this;
        }
        String problem = "Configuration file " + fileName + ": unknown setting(s) " + String.join(", ", unknown)
                + "; keys are the long option names of pgwarden's commands without the leading dashes, e.g. '"
                + example + "' (see 'pgwarden <command> --help').";
        return new ConfigSources(env, file, fileName, List.of(problem));
    }

    /** Problems of the file itself (unknown or repeated keys); empty when there are none. */
    public List<String> fileProblems() {
        return fileProblems;
    }

    /** The configuration file's name, or null when there is none. */
    public String fileName() {
        return fileName;
    }

    /** The environment variable's value, or null. */
    public String env(String name) {
        return env.get(name);
    }

    /** The whole captured environment (for libpq {@code PG*} variables). */
    public Map<String, String> environment() {
        return env;
    }
}

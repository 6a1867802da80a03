import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads deploy/image/extensions.yaml, checks it, and prints what the image build derives from it. A single-file
 * program (run with {@code java -cp 'target/lib/*' deploy/image/Manifest.java COMMAND [MANIFEST]}: Jackson comes from
 * pgwarden's own libraries), so the build, the unit test and the image tests read the manifest the same way.
 *
 * <pre>
 * packages      Debian packages to install, one "name=version" a line (PostgreSQL's, then the enabled entries')
 * preload       the default shared_preload_libraries (enabled entries with preload: true, dependencies first)
 * libraries     every library that may be preloaded (enabled entries with a library)
 * create-order  enabled extensions, one a line, each after what it depends on (CREATE EXTENSION order)
 * labels        the io.pgwarden.* labels, one "key=value" a line
 * docs          docs/extensions.md
 * </pre>
 * Exit 2 with one line per problem when the manifest is invalid (unknown kind, missing version or reason, a
 * dependency that is not an enabled entry, a cycle, preload without a library, a duplicate name).
 */
public final class Manifest {
    record Pkg(String name, String version) {
    }

    record Postgres(int major, List<Pkg> packages) {
    }

    record Entry(String name, String kind, String packageName, String version, String library, boolean preload,
            List<String> dependsOn, boolean enabled, String reason, String summary) {
    }

    /** The YAML document as Jackson reads it; {@link #entries()} turns it into checked records. */
    static final class Document {
        public String suite;
        public Postgres postgres;
        public List<Map<String, Object>> entries = List.of();
    }

    static final Set<String> KINDS = Set.of("extension", "module", "tool");

    final String suite;
    final Postgres postgres;
    final List<Entry> entries;

    Manifest(String suite, Postgres postgres, List<Entry> entries) {
        this.suite = suite;
        this.postgres = postgres;
        this.entries = entries;
    }

    public static Manifest read(Path file) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        Document d = yaml.readValue(file.toFile(), Document.class);
        List<String> problems = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        Set<String> allowed = Set.of("name", "kind", "package", "version", "library", "preload", "depends_on", "enabled",
                "reason", "summary");
        for (Map<String, Object> m : d.entries) {
            for (String key : m.keySet()) {
                if (!allowed.contains(key)) {
                    problems.add("entry " + m.get("name") + ": unknown key '" + key + "'; allowed: " + new java.util.TreeSet<>(allowed));
                }
            }
            @SuppressWarnings("unchecked")
            List<String> deps = (List<String>) m.getOrDefault("depends_on", List.of());
            entries.add(new Entry(str(m, "name"), str(m, "kind"), str(m, "package"), str(m, "version"), str(m, "library"),
                    Boolean.TRUE.equals(m.get("preload")), List.copyOf(deps), !Boolean.FALSE.equals(m.get("enabled")),
                    str(m, "reason"), str(m, "summary")));
        }
        Manifest manifest = new Manifest(d.suite, d.postgres, List.copyOf(entries));
        problems.addAll(manifest.problems());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + " is invalid:\n  " + String.join("\n  ", problems));
        }
        return manifest;
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    List<String> problems() {
        List<String> out = new ArrayList<>();
        if (suite == null || postgres == null || postgres.packages() == null || postgres.packages().isEmpty()) {
            out.add("suite and postgres.packages are required");
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : entries) {
            String at = "entry " + e.name() + ": ";
            if (e.name() == null || e.packageName() == null) {
                out.add(at + "name and package are required");
            }
            if (byName.put(e.name(), e) != null) {
                out.add(at + "appears twice");
            }
            if (!KINDS.contains(e.kind())) {
                out.add(at + "kind '" + e.kind() + "' is not one of " + new java.util.TreeSet<>(KINDS));
            }
            if (e.enabled() && e.version() == null) {
                out.add(at + "enabled entries pin their package's version");
            }
            if (!e.enabled() && (e.reason() == null || e.reason().isBlank())) {
                out.add(at + "a disabled entry says why (reason)");
            }
            if (e.preload() && e.library() == null) {
                out.add(at + "preload: true needs the library to preload");
            }
        }
        for (Entry e : entries) {
            for (String dep : e.dependsOn()) {
                Entry d = byName.get(dep);
                if (d == null) {
                    out.add("entry " + e.name() + ": depends_on " + dep + ", which is not in the manifest");
                } else if (e.enabled() && !d.enabled()) {
                    out.add("entry " + e.name() + ": depends_on " + dep + ", which is disabled");
                }
            }
        }
        Map<String, String> versions = new LinkedHashMap<>();
        for (Pkg p : postgresPackages()) {
            versions.put(p.name(), p.version());
        }
        for (Entry e : enabled()) {
            String pinned = versions.putIfAbsent(e.packageName(), e.version());
            if (pinned != null && !pinned.equals(e.version())) {
                out.add("entry " + e.name() + ": package " + e.packageName() + " is pinned to " + pinned
                        + " elsewhere, not " + e.version());
            }
        }
        try {
            ordered(enabled());
        } catch (IllegalArgumentException cycle) {
            out.add(cycle.getMessage());
        }
        return out;
    }

    private List<Pkg> postgresPackages() {
        return postgres == null || postgres.packages() == null ? List.of() : postgres.packages();
    }

    List<Entry> enabled() {
        return entries.stream().filter(Entry::enabled).toList();
    }

    /** {@code entries}, each after its dependencies, otherwise in manifest order. */
    List<Entry> ordered(List<Entry> subset) {
        Map<String, Entry> byName = entries.stream().collect(Collectors.toMap(Entry::name, e -> e, (a, b) -> a, LinkedHashMap::new));
        LinkedHashSet<String> done = new LinkedHashSet<>();
        for (Entry e : subset) {
            visit(e, byName, done, new HashSet<>());
        }
        Set<String> wanted = subset.stream().map(Entry::name).collect(Collectors.toSet());
        return done.stream().filter(wanted::contains).map(byName::get).toList();
    }

    private static void visit(Entry e, Map<String, Entry> byName, Set<String> done, Set<String> path) {
        if (done.contains(e.name())) {
            return;
        }
        if (!path.add(e.name())) {
            throw new IllegalArgumentException("depends_on has a cycle through " + e.name());
        }
        for (String dep : e.dependsOn()) {
            Entry d = byName.get(dep);
            if (d != null) {
                visit(d, byName, done, path);
            }
        }
        path.remove(e.name());
        done.add(e.name());
    }

    /** name=version of every package to install, PostgreSQL's first, each once. */
    List<String> packages() {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        postgresPackages().forEach(p -> out.putIfAbsent(p.name(), p.version()));
        enabled().forEach(e -> out.putIfAbsent(e.packageName(), e.version()));
        return out.entrySet().stream().map(x -> x.getKey() + "=" + x.getValue()).toList();
    }

    List<String> preload() {
        return ordered(enabled().stream().filter(Entry::preload).toList()).stream().map(Entry::library).toList();
    }

    List<String> libraries() {
        return enabled().stream().map(Entry::library).filter(l -> l != null).distinct().toList();
    }

    List<String> createOrder() {
        return ordered(enabled().stream().filter(e -> e.kind().equals("extension")).toList()).stream().map(Entry::name).toList();
    }

    List<String> labels() {
        long extensions = entries.stream().filter(e -> e.kind().equals("extension")).count();
        long enabledExtensions = enabled().stream().filter(e -> e.kind().equals("extension")).count();
        return List.of("io.pgwarden.postgres.version=" + postgresPackages().get(0).version(),
                "io.pgwarden.postgres.major=" + postgres.major(),
                "io.pgwarden.extensions.enabled=" + enabledExtensions,
                "io.pgwarden.extensions.total=" + extensions,
                "io.pgwarden.extensions.preload=" + String.join(",", preload()),
                "io.pgwarden.debian.suite=" + suite);
    }

    String docs() {
        StringBuilder md = new StringBuilder();
        md.append("# Extensions in the pgwarden image\n\n")
                .append("<!-- Generated from deploy/image/extensions.yaml by deploy/image/build --docs; do not edit."
                        + " ExtensionManifestTest fails when this page and the manifest differ. -->\n\n")
                .append("The runtime image (`deploy/image/build`) is Debian ").append(suite).append(" with PostgreSQL ")
                .append(postgresPackages().get(0).version()).append(" and the entries below marked enabled, each from")
                .append(" the Debian package and version given. Kinds: **extension** is created with")
                .append(" `CREATE EXTENSION name`, **module** is only loaded through `shared_preload_libraries`,")
                .append(" **tool** is a program or file set with no catalog entry.\n\n")
                .append("Default `shared_preload_libraries` (the image's `POSTGRES_SHARED_PRELOAD_LIBRARIES`): `")
                .append(String.join(",", preload())).append("`. Set `POSTGRES_SHARED_PRELOAD_LIBRARIES` to replace")
                .append(" the list (an empty value preloads nothing); a library that is not in the image (the image's")
                .append(" `PGWARDEN_AVAILABLE_LIBRARIES`: `").append(String.join(",", libraries()))
                .append("`) is an error naming it, and the container exits with code 2.\n\n")
                .append("Create the extensions in this order (each after what it depends on):\n`")
                .append(String.join("`, `", createOrder())).append("`.\n\n")
                .append("| name | kind | Debian package | version | preload library | depends on | status |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Entry e : entries) {
            String lib = e.library() == null ? "" : "`" + e.library() + "`" + (e.preload() ? " (default)" : "");
            String status = e.enabled() ? "enabled" + (e.summary() == null ? "" : ": " + e.summary())
                    : "**disabled**: " + e.reason();
            md.append("| `").append(e.name()).append("` | ").append(e.kind()).append(" | `").append(e.packageName())
                    .append("` | ").append(e.version() == null ? "" : "`" + e.version() + "`").append(" | ").append(lib)
                    .append(" | ").append(String.join(", ", e.dependsOn())).append(" | ").append(status).append(" |\n");
        }
        return md.toString();
    }

    /** What {@code command} prints, or null for an unknown command. */
    public static String output(String command, Manifest m) {
        return switch (command) {
            case "packages" -> String.join("\n", m.packages()) + "\n";
            case "preload" -> String.join(",", m.preload()) + "\n";
            case "libraries" -> String.join(",", m.libraries()) + "\n";
            case "create-order" -> String.join("\n", m.createOrder()) + "\n";
            case "labels" -> String.join("\n", m.labels()) + "\n";
            case "docs" -> m.docs();
            default -> null;
        };
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: Manifest packages|preload|libraries|create-order|labels|docs [deploy/image/extensions.yaml]");
            System.exit(2);
        }
        Manifest m;
        try {
            m = read(Path.of(args.length == 2 ? args[1] : "deploy/image/extensions.yaml"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        String out = output(args[0], m);
        if (out == null) {
            System.err.println("unknown command '" + args[0] + "'; expected packages, preload, libraries, create-order, labels or docs");
            System.exit(2);
        }
        System.out.print(out);
    }
}

package io.pgwarden.deploy;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * deploy/image/Manifest.java, the single-file program the image build reads the extension manifest with, compiled
 * once per test JVM and called in-process through its public {@code read} and {@code output}, so tests see exactly
 * what the build prints (it needs only Jackson, which the test class path has).
 */
final class ManifestTool {
    static final Path MANIFEST = Path.of("deploy/image/extensions.yaml");
    private static Class<?> compiled;

    private ManifestTool() {
    }

    record Result(int exitCode, String out, String err) {
    }

    static String run(String command) {
        return run(command, MANIFEST);
    }

    /** What {@code Manifest COMMAND manifest} prints; fails the test when the manifest is refused. */
    static String run(String command, Path manifest) {
        Result r = exec(command, manifest);
        if (r.exitCode() != 0) {
            throw new AssertionError("Manifest " + command + " exited " + r.exitCode() + ": " + r.err());
        }
        return r.out();
    }

    /** Like the program: exit 2 with the message when the manifest is invalid. */
    static Result exec(String command, Path manifest) {
        try {
            Class<?> c = program();
            Method read = c.getMethod("read", Path.class);
            Method output = c.getMethod("output", String.class, c);
            Object m = read.invoke(null, manifest);
            String out = (String) output.invoke(null, command, m);
            return out == null ? new Result(2, "", "unknown command " + command) : new Result(0, out, "");
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                return new Result(2, "", bad.getMessage());
            }
            throw new AssertionError("Manifest " + command + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static synchronized Class<?> program() {
        if (compiled == null) {
            try {
                Path out = Files.createTempDirectory("pgwarden-manifest-");
                JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
                int rc = javac.run(null, null, System.err, "-d", out.toString(), "-cp", System.getProperty("java.class.path"),
                        "deploy/image/Manifest.java");
                if (rc != 0) {
                    throw new AssertionError("deploy/image/Manifest.java does not compile (see the output above)");
                }
                @SuppressWarnings("resource") // kept for the JVM's lifetime, like the class
                URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, ManifestTool.class.getClassLoader());
                compiled = loader.loadClass("Manifest");
            } catch (IOException | ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }
        return compiled;
    }
}

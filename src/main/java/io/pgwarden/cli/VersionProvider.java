package io.pgwarden.cli;

import picocli.CommandLine.IVersionProvider;

/** picocli's {@code --version}: the version Maven wrote into {@code pgwarden-version.properties}. */
public final class VersionProvider implements IVersionProvider {
    public static String version() {
        return io.pgwarden.health.PgWardenVersion.get();
    }

    @Override
    public String[] getVersion() {
        return new String[] {"pgwarden " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
}

package io.pgwarden.pg;

import io.pgwarden.core.PgVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A resolved set of PostgreSQL programs: the directory holding {@code postgres}, {@code initdb} and
 * {@code pg_ctl}, their major version, where they came from and a human sentence saying why they were
 * chosen ({@link #reason()}, printed by {@code pgwarden up}). Embedded binaries are server-only; ask
 * {@link #hasClientTools()} before relying on {@code pg_basebackup}, {@code pg_rewind} or {@code psql}.
 */
public record PgBinaries(Path binDir, PgVersion version, String fullVersion, BinarySource source, String reason) {
    /** Programs every server directory must hold. */
    public static final List<String> SERVER_PROGRAMS = List.of("postgres", "initdb", "pg_ctl");
    /** Client tools replicas and backups need; absent from the embedded binaries. */
    public static final List<String> CLIENT_TOOLS = List.of("pg_basebackup", "pg_rewind", "psql");

    /** The path of {@code program} in {@link #binDir()} (whether it exists or not). */
    public Path program(String program) {
        return binDir.resolve(program);
    }

    /** True when {@code program} exists in {@link #binDir()} and is executable. */
    public boolean has(String program) {
        return Files.isExecutable(program(program));
    }

    /** The {@link #CLIENT_TOOLS} present in {@link #binDir()}. */
    public List<String> clientTools() {
        return CLIENT_TOOLS.stream().filter(this::has).toList();
    }

    /** True when every one of {@link #CLIENT_TOOLS} is present. */
    public boolean hasClientTools() {
        return clientTools().size() == CLIENT_TOOLS.size();
    }

    /** One line for humans: {@code PostgreSQL 15.18 from /usr/lib/postgresql/15/bin (reason)}. */
    public String describe() {
        return "PostgreSQL " + fullVersion + " from " + binDir + " (" + reason + ")";
    }
}

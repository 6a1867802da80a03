package io.pgwarden.cli;

import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.config.Setting;
import io.pgwarden.instance.PasswordFile;
import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.topology.NodeAddress;
import io.pgwarden.topology.PgBouncerAuthResult;
import io.pgwarden.topology.PgBouncerAuthSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgwarden pgbouncer init}: PgBouncer authenticates every user through PostgreSQL. */
@Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Sets PgBouncer up to authenticate every PostgreSQL user through PostgreSQL itself, so a user"
                        + " created later logs in through PgBouncer at once, with SCRAM, and no userlist is edited.",
                "",
                "On the primary (connect as a superuser): the auth role --auth-user (LOGIN and no other right; its"
                        + " password is set as a SCRAM verifier computed here, never sent in clear), and in every"
                        + " database (or each --database) a schema 'pgbouncer' with the SECURITY DEFINER function"
                        + " pgbouncer.get_auth(text), owned by the superuser, search_path pinned, EXECUTE for the auth"
                        + " role only (revoked from PUBLIC). It returns the SCRAM verifier of an ordinary login role;"
                        + " superusers and the auth role are never authenticated through the pooler. template1 is"
                        + " included, so databases created later have the function too.",
                "Files: the auth role's line in --userlist (its SCRAM verifier, which PgBouncer also logs in with;"
                        + " no plain password is stored), and auth_type = scram-sha-256, auth_file, auth_user,"
                        + " auth_query in --ini, every other line kept. A missing --ini is created complete: [databases]"
                        + " at the primary, transaction pooling, --listen-addr:--listen-port. New files are mode 0600 and"
                        + " owned like their directory.",
                "Running it again changes nothing that is already right; each line printed says created, updated or"
                        + " unchanged.",
                "",
                "Examples:",
                "  pgwarden pgbouncer init --url postgresql://postgres@127.0.0.1:5432/postgres \\",
                "      --password-file pgwarden-data/pgwarden.password \\",
                "      --ini /etc/pgbouncer/pgbouncer.ini --server-tls-dir ./tls",
                "  pgwarden pgbouncer init --database app --ini ./pgbouncer.ini --listen-addr '*'",
                "  pgbouncer ./pgbouncer.ini &",
                "  psql 'host=127.0.0.1 port=6432 dbname=app user=app'",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (or nothing to change)", "1:the primary cannot be reached or a statement failed",
                "2:invalid flag, a missing database, or not a superuser", "8:a file cannot be written"})
public final class PgBouncerInitCommand extends AbstractCommand {
    @Option(names = "--url", paramLabel = "URL",
            description = "The primary, as a superuser: postgresql://postgres@host:5432/postgres. Env: DATABASE_URL."
                    + " Default: the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD), else 127.0.0.1:5432 as postgres.")
    String url;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File with the superuser's password (e.g. <data-dir>/pgwarden.password). Env: PGWARDEN_PASSWORD_FILE.")
    String passwordFile;

    @Option(names = "--auth-user", paramLabel = "ROLE",
            description = "The role PgBouncer runs auth_query as. Env: PGWARDEN_PGBOUNCER_AUTH_USER. Default: pgbouncer_auth.")
    String authUser;

    @Option(names = "--auth-password-file", paramLabel = "FILE",
            description = "Its password, first line (read, never created). Env: PGWARDEN_PGBOUNCER_AUTH_PASSWORD_FILE."
                    + " Default: keep the current one; a new role gets a random one nobody needs to know.")
    String authPasswordFile;

    @Option(names = "--ini", paramLabel = "FILE",
            description = "pgbouncer.ini to update, or create when missing. Env: PGWARDEN_PGBOUNCER_INI. Default: ./pgbouncer.ini.")
    String ini;

    @Option(names = "--userlist", paramLabel = "FILE",
            description = "userlist.txt (auth_file). Env: PGWARDEN_PGBOUNCER_USERLIST. Default: userlist.txt next to --ini.")
    String userlist;

    @Option(names = "--database", paramLabel = "NAME",
            description = "A database to set up (repeatable); a new ini then lists exactly these. Default: every database.")
    List<String> databases = new ArrayList<>();

    @Option(names = "--server-tls-dir", paramLabel = "DIR",
            description = "Directory of 'pgwarden certs --client <auth-user>': PgBouncer connects to PostgreSQL over TLS"
                    + " (verify-full with ca.crt) and the auth user logs in with client-<auth-user>.crt, which the"
                    + " primary accepts with 'up/run --cert-users <auth-user>'. Env: PGWARDEN_PGBOUNCER_SERVER_TLS_DIR.")
    String serverTlsDir;

    @Option(names = "--listen-addr", paramLabel = "ADDR",
            description = "listen_addr of a new ini (* for every interface). Default: 127.0.0.1.")
    String listenAddr;

    @Option(names = "--listen-port", paramLabel = "N", description = "listen_port of a new ini. Default: 6432.")
    String listenPort;

    @Override
    protected int execute() {
        ConfigSources sources = sources(null);
        Problems problems = new Problems();
        ConnectionSpec spec = null;
        try {
            spec = ConnectionSpec.fromEnv(sources.environment());
            Optional<Setting> u = sources.find("--url", url, "DATABASE_URL");
            if (u.isPresent()) {
                try {
                    spec = ConnectionSpec.parseUrl(u.get().value(), spec);
                } catch (IllegalArgumentException e) {
                    problems.add(u.get().origin() + ": " + e.getMessage());
                }
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        Path pwFile = sources.resolve(problems, null, InputParsers::readableFile, "--password-file", passwordFile,
                "PGWARDEN_PASSWORD_FILE");
        String auth = sources.resolve(problems, PgBouncerAuthSetup.DEFAULT_AUTH_USER, InputParsers::identifier,
                "--auth-user", authUser, "PGWARDEN_PGBOUNCER_AUTH_USER");
        Path authPw = sources.resolve(problems, null, InputParsers::readableFile, "--auth-password-file", authPasswordFile,
                "PGWARDEN_PGBOUNCER_AUTH_PASSWORD_FILE");
        Path iniFile = sources.resolve(problems, Path.of("pgbouncer.ini"), InputParsers::path, "--ini", ini,
                "PGWARDEN_PGBOUNCER_INI").toAbsolutePath().normalize();
        Path list = sources.resolve(problems, null, InputParsers::path, "--userlist", userlist, "PGWARDEN_PGBOUNCER_USERLIST");
        list = (list == null ? iniFile.resolveSibling("userlist.txt") : list).toAbsolutePath().normalize();
        for (String db : databases) {
            String problem = io.pgwarden.pg.SqlIdentifiers.problem(db);
            if (problem != null) {
                problems.add("--database=" + db + ": " + problem);
            }
        }
        String listen = String.join(",", sources.resolve(problems, List.of("127.0.0.1"), InputParsers::listenAddresses,
                "--listen-addr", listenAddr));
        int port = sources.resolve(problems, PgBouncerAuthSetup.DEFAULT_PORT, InputParsers::port, "--listen-port", listenPort);
        Path tlsDir = sources.resolve(problems, null, text -> {
            Path d = InputParsers.path(text);
            if (!Files.isDirectory(d)) {
                throw new IllegalArgumentException("not a directory; create it with 'pgwarden certs --out " + d + "'");
            }
            return d;
        }, "--server-tls-dir", serverTlsDir,
                "PGWARDEN_PGBOUNCER_SERVER_TLS_DIR");
        if (tlsDir != null) {
            for (String f : List.of("ca.crt", "client-" + auth + ".crt", "client-" + auth + ".key")) {
                if (!Files.isRegularFile(tlsDir.resolve(f))) {
                    problems.add("--server-tls-dir=" + tlsDir + ": " + f + " is missing; write it with 'pgwarden certs --out "
                            + tlsDir + " --client " + auth + "'");
                }
            }
        }
        for (Path p : List.of(iniFile, list)) {
            if (!Files.isDirectory(p.getParent())) {
                problems.add(p + ": the directory " + p.getParent() + " does not exist");
            }
        }
        problems.throwIfAny();
        if (pwFile != null) {
            spec = spec.withUser(spec.user(), PasswordFile.read(pwFile));
        }
        String authPassword = authPw == null ? null : PasswordFile.read(authPw);
        PgBouncerAuthResult result = new PgBouncerAuthSetup().execute(new PgBouncerAuthSetup.Request(spec, auth,
                authPassword, iniFile, list, databases, new NodeAddress(spec.host(), spec.port()), listen, port,
                tlsDir == null ? null : tlsDir.toAbsolutePath().normalize()));
        for (PgBouncerAuthResult.Step s : result.steps()) {
            out().println(s.line());
        }
        return 0;
    }
}

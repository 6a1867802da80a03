/**
 * One local PostgreSQL server: checks before anything touches disk ({@link io.pgwarden.instance.Preflight}),
 * initdb with checksums, C.UTF-8, UTF8 and scram-sha-256 and a generated superuser password
 * ({@link io.pgwarden.instance.InitDb}, {@link io.pgwarden.instance.PasswordFile}), the pgwarden-managed
 * configuration include and pg_hba.conf ({@link io.pgwarden.instance.ServerConfigWriter}), starting the
 * postmaster as a child process and waiting until it accepts connections
 * ({@link io.pgwarden.instance.PostgresLauncher}), stopping it smart, then fast, then immediate
 * ({@link io.pgwarden.instance.ShutdownMode}), and restarting it after crashes with backoff until it
 * crashes too often ({@link io.pgwarden.instance.Supervisor}, {@link io.pgwarden.instance.RestartPolicy}).
 * Also the local checks behind {@code pgwarden wait} and {@code pgwarden healthcheck}.
 * Depends on core, config and pg.
 */
package io.pgwarden.instance;

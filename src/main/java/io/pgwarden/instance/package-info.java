/**
 * One local PostgreSQL server: checks before anything touches disk ({@link io.pgwarden.instance.Preflight}),
 * initdb with checksums, C.UTF-8, UTF8 and scram-sha-256 and a generated superuser password
 * ({@link io.pgwarden.instance.InitDb}, {@link io.pgwarden.instance.PasswordFile}), the pgwarden-managed
 * configuration include and pg_hba.conf ({@link io.pgwarden.instance.ServerConfigWriter}), starting the
 * postmaster as a child process and waiting until it accepts connections
 * ({@link io.pgwarden.instance.PostgresLauncher}), stopping it smart, then fast, then immediate
 * ({@link io.pgwarden.instance.ShutdownMode}), and restarting it after crashes with backoff until it
 * crashes too often ({@link io.pgwarden.instance.Supervisor}, {@link io.pgwarden.instance.RestartPolicy}).
 * Also the local checks behind {@code pgwarden wait} and {@code pgwarden healthcheck}, and streaming replicas:
 * cloning ({@link io.pgwarden.instance.ReplicaCloner} with {@link io.pgwarden.instance.BaseBackupClone} or
 * {@link io.pgwarden.instance.LocalCopyClone}; {@link io.pgwarden.instance.ReplicaProvisioner} for up/run),
 * the primary's role and slot ({@link io.pgwarden.instance.ReplicationSetup}), the standby configuration
 * ({@link io.pgwarden.instance.StandbyConfig}), promotion ({@link io.pgwarden.instance.Promoter}) and turning a
 * former primary into a replica ({@link io.pgwarden.instance.Rejoiner}).
 * Depends on core, config and pg.
 */
package io.pgwarden.instance;

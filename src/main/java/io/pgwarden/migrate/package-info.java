/**
 * Schema migrations that are safe to run from every pod at once. Discovery of migration files in a
 * directory or a mounted Kubernetes ConfigMap ({@link io.pgwarden.migrate.MigrationResolver}), the
 * SQL splitter that decides which files may run in a transaction ({@link io.pgwarden.migrate.SqlSplitter}),
 * the history table ({@link io.pgwarden.migrate.SchemaHistory}, {@link io.pgwarden.migrate.JdbcSchemaHistory}),
 * the session-level advisory lock that serialises runners ({@link io.pgwarden.migrate.MigrationLock}),
 * execution ({@link io.pgwarden.migrate.MigrationExecutor}), the commands (apply, info, validate, repair,
 * baseline, plan) returning result records, and the directory watch. Reads what Flyway users have as it is:
 * Flyway's names (baseline migrations included), files with their own transaction control, COPY data and pg_dump
 * files streamed in bounded memory, placeholders ({@link io.pgwarden.migrate.Placeholders}), and Flyway's history,
 * adopted with Flyway's checksums ({@link io.pgwarden.migrate.FlywayHistory}). Depends on core and pg only.
 */
package io.pgwarden.migrate;

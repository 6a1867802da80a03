/**
 * Talking to PostgreSQL and its programs: JDBC connections built from libpq-style settings
 * ({@link io.pgwarden.pg.ConnectionSpec}), running external programs through
 * {@link io.pgwarden.pg.ProcessRunner} (argument arrays only, never a shell), dropping root
 * privileges for the server ({@link io.pgwarden.pg.Privileges}), finding PostgreSQL binaries and
 * quoting SQL identifiers. Depends on core only.
 */
package io.pgwarden.pg;

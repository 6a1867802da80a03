/**
 * Where settings come from and in which order: CLI flag, then environment variable, then the YAML
 * configuration file ({@code --config} / {@code PGWARDEN_CONFIG}), then the default. Every resolved
 * value remembers its origin so that validation messages name the exact input the user gave
 * ({@code POSTGRES_MEMORY=abc: ...}). Validation collects every problem before failing
 * ({@link io.pgwarden.config.Problems}). Capability packages define their own immutable request
 * records; the CLI builds them through {@link io.pgwarden.config.ConfigSources} and freezes them
 * before anything starts. Depends on core only.
 */
package io.pgwarden.config;

/**
 * pgwarden's own small SLF4J backend: human-readable lines by default, JSON lines with
 * {@code --log-format json} or {@code LOG_FORMAT=json}. Every message goes through
 * {@link io.pgwarden.core.Secrets#mask(String)}. A full backend (logback) would cost the idle
 * agent several megabytes and start-up time for features pgwarden does not use.
 */
package io.pgwarden.core.log;

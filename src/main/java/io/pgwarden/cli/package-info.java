/**
 * The command line: one picocli class per subcommand, mixins for shared options, and {@link
 * io.pgwarden.cli.Main}, the only place that calls {@code System.exit}. Commands build immutable
 * requests through {@link io.pgwarden.config.ConfigSources}, call a capability's command object and
 * print its result record through {@code spec.commandLine().getOut()}. Nothing imports this package.
 */
package io.pgwarden.cli;

/**
 * Tuning: computes PostgreSQL settings from the resources the server really has. Depends on core only.
 *
 * <ul>
 *   <li>{@link io.pgwarden.tune.ResourceDetector} finds memory and CPUs (overrides, then cgroup v2, cgroup v1,
 *       {@code /proc/meminfo} or the JVM's processor count), reading files through {@link io.pgwarden.tune.SystemFiles}
 *       so tests use fake trees. The result, {@link io.pgwarden.tune.Resources}, names each value's source and carries
 *       warnings.</li>
 *   <li>{@link io.pgwarden.tune.Tuner#plan} is pure: {@code Resources x Profile(workload, storage, pgVersion,
 *       preloadLibraries) -> TuningPlan}. It refuses less than 512 MB.</li>
 *   <li>{@link io.pgwarden.tune.TuningPlan#settings()} is the ordered {@code Map<String, String>} of parameter to raw
 *       value as postgresql.conf reads it ({@code "shared_buffers" -> "384MB"}); quote with
 *       {@link io.pgwarden.tune.ConfRenderer#quote} or always single-quote when writing a file.
 *       {@link io.pgwarden.tune.TuningPlan#reasons()} says why, one line per parameter.</li>
 *   <li>{@link io.pgwarden.tune.PlanFormat} renders a plan as conf, {@code -c} flags, JSON or a table.</li>
 * </ul>
 *
 * <p>Typical use by {@code up}/{@code run}:
 * <pre>{@code
 * Resources resources = ResourceDetector.machine().detect(ResourceOverrides.none().withMemory(2048, "POSTGRES_MEMORY"));
 * TuningPlan plan = Tuner.plan(resources, new Profile(Workload.WEB, StorageType.SSD, new PgVersion(18), List.of()));
 * plan.warnings().forEach(log::warn);
 * plan.settings().forEach((name, value) -> conf.append(name).append(" = ").append(ConfRenderer.quote(value)).append('\n'));
 * }</pre>
 */
package io.pgwarden.tune;

package io.pgwarden.agent;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.topology.LagLimit;
import io.pgwarden.topology.NodeAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * Validated settings of {@code pgwarden endpoints}. Publisher fields are null when that publisher is off.
 *
 * @param probe connection template for the probes (user, password, database, sslmode, timeout)
 */
public record EndpointsConfig(List<NodeAddress> nodes, ConnectionSpec probe, LagLimit maxLag, String namespace,
        String rwService, String roService, Path file, Path pgbouncerIni, ConnectionSpec pgbouncerAdmin, String psql) {
}

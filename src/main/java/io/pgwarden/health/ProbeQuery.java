package io.pgwarden.health;

import io.pgwarden.topology.LagLimit;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The query string of a probe request. The only parameter is {@code lag}, on the endpoints that
 * {@link Endpoint#acceptsLag() accept it}. There, {@code lag} twice or a parameter that looks like a misspelt
 * {@code lag} ({@code ?lags=1}, {@code ?Lag=1}) is rejected, so that a typo does not silently probe without the
 * limit. Other parameters are ignored everywhere, as probes of other tools send them
 * ({@code ?replication_state=streaming}, a kubelet's {@code ?source=k8s}): a 400 there would fail a healthy node.
 */
final class ProbeQuery {
    private ProbeQuery() {
    }

    /**
     * The {@code lag} limit of a request to {@code path}.
     *
     * @return null when absent
     * @throws IllegalArgumentException naming the parameter, its value and what is accepted (the server answers 400)
     */
    static LagLimit lag(Endpoint endpoint, String path, String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                String[] kv = pair.split("=", 2);
                String name = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
                String value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                if (!endpoint.acceptsLag()) {
                    return null; // /liveness, /primary, /health ...: no parameter changes their answer
                }
                if (!name.equals("lag")) {
                    if (name.toLowerCase(java.util.Locale.ROOT).contains("lag")) {
                        throw new IllegalArgumentException("unknown query parameter " + name + "; " + path
                                + " accepts lag, e.g. ?lag=16MB");
                    }
                    continue;
                }
                if (params.putIfAbsent(name, value) != null) {
                    throw new IllegalArgumentException("query parameter " + name + " is given more than once; give it once,"
                            + " e.g. ?lag=16MB");
                }
            }
        }
        String value = params.get("lag");
        if (value == null) {
            return null;
        }
        // the grammar of --max-lag / MAX_LAG: bytes of WAL not replayed, or the time the replica is behind
        try {
            return LagLimit.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("query parameter lag=" + value + " is not a lag: give bytes or a size with"
                    + " a unit (B, kB, MB, GB, TB), e.g. ?lag=16MB, or a duration (ms, s, m, h), e.g. ?lag=30s", e);
        }
    }
}

package io.pgwarden.health;

import io.pgwarden.core.ByteSize;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The query string of a probe request. The only parameter is {@code lag} (on the endpoints that
 * {@link Endpoint#acceptsLag() accept it}); anything else, or {@code lag} twice, is rejected so that a
 * misspelt {@code ?lags=1} or a conflicting {@code ?lag=1&lag=abc} does not silently probe without the limit.
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
    static ByteSize lag(Endpoint endpoint, String path, String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                String[] kv = pair.split("=", 2);
                String name = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
                String value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                String accepted = endpoint.acceptsLag() ? "; " + path + " accepts only lag, e.g. ?lag=16MB"
                        : "; " + path + " accepts no query parameters (lag applies to /readiness, /replica and /read-only)";
                if (!endpoint.acceptsLag() || !name.equals("lag")) {
                    throw new IllegalArgumentException("unknown query parameter " + name + accepted);
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
        try {
            return ByteSize.parse(value, 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("query parameter lag=" + value
                    + " is not a size: give bytes or a number with a unit (B, kB, MB, GB, TB), e.g. ?lag=16MB", e);
        }
    }
}

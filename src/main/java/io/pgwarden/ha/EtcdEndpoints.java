package io.pgwarden.ha;

import io.pgwarden.core.PgWardenException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** {@code --etcd-endpoints} / {@code ETCD_ENDPOINTS}: comma-separated {@code http(s)://host:port} URLs. */
public final class EtcdEndpoints {
    private EtcdEndpoints() {
    }

    /** Every endpoint, or an INVALID_INPUT error naming {@code flag}, the bad value and the expected form. */
    public static List<URI> parse(String flag, String value) {
        List<URI> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String part : (value == null ? "" : value).split(",")) {
            String s = part.trim();
            if (s.isEmpty()) {
                continue;
            }
            try {
                URI u = URI.create(s);
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                        || u.getPort() <= 0 || (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/"))
                        || u.getUserInfo() != null) {
                    problems.add(flag + ": '" + s + "' is not an etcd client URL such as http://10.0.0.5:2379");
                } else {
                    out.add(u);
                }
            } catch (IllegalArgumentException e) {
                problems.add(flag + ": '" + s + "' is not an etcd client URL such as http://10.0.0.5:2379");
            }
        }
        if (out.isEmpty() && problems.isEmpty()) {
            problems.add(flag + "=" + value + ": give at least one etcd client URL, e.g. http://10.0.0.5:2379,http://10.0.0.6:2379");
        }
        if (!problems.isEmpty()) {
            throw PgWardenException.invalid(problems);
        }
        return List.copyOf(out);
    }
}

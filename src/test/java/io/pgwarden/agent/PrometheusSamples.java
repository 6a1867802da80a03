package io.pgwarden.agent;

import java.util.HashMap;
import java.util.Map;

/**
 * Sample lines of a Prometheus exposition keyed by their exact series text ({@code name{labels}}). The
 * strict format parser lives in the health tests; agent tests only read values.
 */
final class PrometheusSamples {
    private final Map<String, Double> values = new HashMap<>();

    static PrometheusSamples of(String text) {
        PrometheusSamples s = new PrometheusSamples();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            s.values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return s;
    }

    double value(String series) {
        Double v = values.get(series);
        if (v == null) {
            throw new AssertionError("no series " + series + " in " + values.keySet());
        }
        return v;
    }
}

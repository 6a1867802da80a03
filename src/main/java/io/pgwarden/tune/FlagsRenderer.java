package io.pgwarden.tune;

/**
 * {@code -c name=value}, one per line. Values are plain (numbers, units, identifiers, validated library
 * lists) so the lines need no shell quoting: {@code postgres -D data $(pgwarden tune --format flags)}
 * works as is, because command substitution splits on newlines and spaces alike.
 */
public final class FlagsRenderer implements PlanRenderer {
    @Override
    public String render(TuningPlan plan) {
        StringBuilder sb = new StringBuilder();
        for (TunedSetting s : plan.parameters()) {
            sb.append("-c ").append(s.name()).append('=').append(s.value()).append('\n');
        }
        return sb.toString();
    }
}

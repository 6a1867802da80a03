package io.pgwarden.tune;

/** An aligned table for people: resources and profile first, then parameter, value and reason columns. */
public final class TableRenderer implements PlanRenderer {
    @Override
    public String render(TuningPlan plan) {
        int nameWidth = "PARAMETER".length();
        int valueWidth = "VALUE".length();
        for (TunedSetting s : plan.parameters()) {
            nameWidth = Math.max(nameWidth, s.name().length());
            valueWidth = Math.max(valueWidth, s.value().length());
        }
        String row = "%-" + nameWidth + "s  %-" + valueWidth + "s  %s\n";
        StringBuilder sb = new StringBuilder();
        sb.append("Resources: ").append(PlanRenderer.describeResources(plan)).append('\n');
        sb.append("Profile:   ").append(PlanRenderer.describeProfile(plan)).append("\n\n");
        sb.append(String.format(row, "PARAMETER", "VALUE", "REASON"));
        for (TunedSetting s : plan.parameters()) {
            sb.append(String.format(row, s.name(), s.value(), s.reason()));
        }
        return sb.toString();
    }
}

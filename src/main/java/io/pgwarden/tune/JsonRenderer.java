package io.pgwarden.tune;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One JSON object: {@code resources} (memoryMb, memorySource, cpus, cpuSource), {@code workload},
 * {@code storage}, {@code pgVersion}, {@code settings} (name to raw postgresql.conf value, in plan
 * order), {@code reasons} (name to reason) and {@code warnings}.
 */
public final class JsonRenderer implements PlanRenderer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String render(TuningPlan plan) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode resources = root.putObject("resources");
        resources.put("memoryMb", plan.resources().memoryMb());
        resources.put("memorySource", plan.resources().memorySource());
        resources.put("cpus", plan.resources().cpus());
        resources.put("cpuSource", plan.resources().cpuSource());
        root.put("workload", plan.profile().workload().id());
        root.put("storage", plan.profile().storage().id());
        root.put("pgVersion", plan.profile().pgVersion().major());
        ObjectNode settings = root.putObject("settings");
        plan.settings().forEach(settings::put);
        ObjectNode reasons = root.putObject("reasons");
        plan.reasons().forEach(reasons::put);
        ArrayNode warnings = root.putArray("warnings");
        plan.warnings().forEach(warnings::add);
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a tree of strings and numbers", e);
        }
    }
}

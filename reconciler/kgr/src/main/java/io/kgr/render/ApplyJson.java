package io.kgr.render;

import java.util.Locale;
import java.util.Optional;

import io.kgr.apply.ApplyReport;
import io.kgr.apply.StepResult;
import io.kgr.plan.Plan;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code kgr apply -o json} prints: one document with the plan (as {@code plan -o json} writes it) and what
 * applying it did, step by step ({@code apply} is null when nothing was applied: no changes, refused or cancelled).
 */
public final class ApplyJson {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ApplyJson() {
    }

    public static String write(Plan plan, Optional<ApplyReport> report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", Plan.FORMAT_VERSION);
        root.set("plan", PlanJson.tree(plan));
        if (report.isEmpty()) {
            root.putNull("apply");
        } else {
            ApplyReport r = report.get();
            ObjectNode apply = root.putObject("apply");
            apply.put("complete", r.succeeded());
            apply.put("tookMs", r.took().toMillis());
            ObjectNode counts = apply.putObject("counts");
            for (StepResult.Outcome o : StepResult.Outcome.values()) counts.put(name(o), r.count(o));
            var results = apply.putArray("results");
            for (StepResult s : r.results()) {
                results.addObject().put("step", s.stepId()).put("outcome", name(s.outcome())).put("message", s.message())
                        .put("tookMs", s.took().toMillis());
            }
        }
        return JSON.writeValueAsString(root) + "\n";
    }

    private static String name(StepResult.Outcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT);
    }
}

package io.kgr.plan;

import java.util.List;

/**
 * One action of a plan.
 *
 * @param id        stable id, {@code <kind>:<subject>}
 * @param dependsOn ids of steps that must succeed first; if one fails this step is skipped
 */
public record Step(String id, Phase phase, Change change, Risk risk, List<FieldChange> fields, String reason,
                   List<String> dependsOn) {
    public Step {
        fields = List.copyOf(fields);
        dependsOn = List.copyOf(dependsOn);
    }

    static String idOf(Change change) {
        return change.kind() + ":" + change.subject();
    }
}

package io.kgr.apply;

import java.time.Duration;
import java.util.List;

/** The result of applying a plan: one result per step, in plan order. */
public record ApplyReport(List<StepResult> results, Duration took) {
    public ApplyReport {
        results = List.copyOf(results);
    }

    public boolean succeeded() {
        return results.stream().allMatch(r -> r.outcome() == StepResult.Outcome.OK);
    }

    public long count(StepResult.Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }
}

package io.kgr.apply;

import java.time.Duration;
import java.util.List;

/** The result of applying a plan: one result per step, in plan order. */
public record ApplyReport(List<StepResult> results, Duration took) {
    public ApplyReport {
        results = List.copyOf(results);
    }

    /** Whether every step either applied or waits for an approval or a window (nothing failed or was skipped). */
    public boolean succeededOrHeld() {
        return results.stream().allMatch(r -> r.outcome() == StepResult.Outcome.OK || r.outcome() == StepResult.Outcome.HELD);
    }

    public boolean succeeded() {
        return results.stream().allMatch(r -> r.outcome() == StepResult.Outcome.OK);
    }

    public long count(StepResult.Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }
}

package io.kgr;

import java.util.List;
import java.util.Optional;

import io.kgr.manifest.Diagnostic;
import io.kgr.plan.Plan;
import io.kgr.source.Snapshot;

/**
 * The outcome of the stages up to the plan: a plan, or the status and message of the stage that failed. Warnings
 * and errors of the input are in {@code diagnostics} either way.
 */
public record PlanRun(RunStatus status, String message, Optional<Snapshot> snapshot, List<Diagnostic> diagnostics,
                      Optional<Plan> plan) {
    public PlanRun {
        diagnostics = List.copyOf(diagnostics);
    }

    static PlanRun failed(RunStatus status, String message, Snapshot snapshot, List<Diagnostic> diagnostics) {
        return new PlanRun(status, message, Optional.ofNullable(snapshot), diagnostics, Optional.empty());
    }

    public boolean ok() {
        return plan.isPresent();
    }
}

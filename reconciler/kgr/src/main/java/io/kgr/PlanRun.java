package io.kgr;

import io.kgr.desired.DesiredState;
import io.kgr.observe.LiveKube;
import io.kgr.observe.LiveState;

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
                      Optional<Plan> plan, Optional<Observed> observed) {
    public PlanRun {
        diagnostics = List.copyOf(diagnostics);
    }

    public PlanRun(RunStatus status, String message, Optional<Snapshot> snapshot, List<Diagnostic> diagnostics,
                   Optional<Plan> plan) {
        this(status, message, snapshot, diagnostics, plan, Optional.empty());
    }

    /**
     * What the plan was made from: Git's desired state, and the cluster as observed (its brokers, when they answer; its
     * namespace, when kgr runs the cluster on Kubernetes). The status kgr writes on the cluster's resources comes from it.
     */
    public record Observed(DesiredState desired, Optional<LiveState> kafka, Optional<LiveKube> kube) {
    }

    static PlanRun failed(RunStatus status, String message, Snapshot snapshot, List<Diagnostic> diagnostics) {
        return new PlanRun(status, message, Optional.ofNullable(snapshot), diagnostics, Optional.empty());
    }

    public boolean ok() {
        return plan.isPresent();
    }
}

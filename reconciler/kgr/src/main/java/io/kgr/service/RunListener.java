package io.kgr.service;

import io.kgr.apply.StepResult;
import io.kgr.plan.Plan;

/** Follows runs as they happen (the demo prints them); called on the run's thread, so keep it quick. */
public interface RunListener {
    RunListener NONE = new RunListener() {
    };

    /** A run made a plan; it is applied next unless it is refused, empty or the source is in plan mode. */
    default void planned(String source, String trigger, Plan plan) {
    }

    default void stepDone(String source, StepResult result) {
    }

    default void finished(RunRecord run) {
    }
}

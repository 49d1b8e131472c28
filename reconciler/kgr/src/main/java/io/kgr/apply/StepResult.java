package io.kgr.apply;

import java.time.Duration;

/** What happened to one step. */
public record StepResult(String stepId, Outcome outcome, String message, Duration took) {
    public enum Outcome {
        /** Applied. */
        OK,
        /** Tried and failed; {@code message} says why. */
        FAILED,
        /** Not tried because a step it depends on did not succeed. */
        SKIPPED,
        /** Not tried: it waits for an approval or a maintenance window (or depends on a step that does). */
        HELD
    }

    public static StepResult held(String id, String why) {
        return new StepResult(id, Outcome.HELD, why, Duration.ZERO);
    }

    public static StepResult ok(String id, Duration took) {
        return new StepResult(id, Outcome.OK, "", took);
    }

    public static StepResult failed(String id, String reason, Duration took) {
        return new StepResult(id, Outcome.FAILED, reason, took);
    }

    /** Not started because kgr is stopping; the next run plans it again. */
    public static StepResult notStarted(String id, String why) {
        return new StepResult(id, Outcome.SKIPPED, why, Duration.ZERO);
    }

    public static StepResult skipped(String id, String because) {
        return new StepResult(id, Outcome.SKIPPED, "skipped because step " + because + " did not succeed", Duration.ZERO);
    }
}

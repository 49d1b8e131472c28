package io.kgr;

/** How a run ended; the reason names the stage that stopped it (as in Flux's Ready condition reasons). */
public enum RunStatus {
    SUCCEEDED("Succeeded"),
    SOURCE_FAILED("SourceFailed"),
    VALIDATION_FAILED("ValidationFailed"),
    OBSERVE_FAILED("ObserveFailed"),
    PLAN_REFUSED("PlanRefused"),
    APPLY_FAILED("ApplyFailed");

    private final String reason;

    RunStatus(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}

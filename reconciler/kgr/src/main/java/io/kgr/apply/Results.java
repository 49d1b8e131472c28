package io.kgr.apply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.kafka.common.KafkaFuture;

import io.kgr.plan.Step;

/** The results of an apply so far, in the order they happened; each is reported as it is recorded. */
final class Results {
    private final Map<String, StepResult> byId = new LinkedHashMap<>();
    private final Consumer<StepResult> progress;
    private final Duration timeout;

    Results(Consumer<StepResult> progress, Duration timeout) {
        this.progress = progress;
        this.timeout = timeout;
    }

    void record(StepResult result) {
        byId.put(result.stepId(), result);
        progress.accept(result);
    }

    void ok(Step step, long startNanos) {
        record(StepResult.ok(step.id(), since(startNanos)));
    }

    void failed(Step step, String reason, long startNanos) {
        record(StepResult.failed(step.id(), reason, since(startNanos)));
    }

    /** Waits for one step's Admin future and records ok or failed with the broker's reason. */
    void collect(Step step, KafkaFuture<?> future, long startNanos) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            ok(step, startNanos);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            failed(step, reason(e), startNanos);
        }
    }

    boolean succeeded(String stepId) {
        StepResult r = byId.get(stepId);
        return r != null && r.outcome() == StepResult.Outcome.OK;
    }

    /** Held: waits for an approval or a window. */
    boolean held(String stepId) {
        StepResult r = byId.get(stepId);
        return r != null && r.outcome() == StepResult.Outcome.HELD;
    }

    /** Tried or skipped, but not ok. */
    boolean didNotSucceed(String stepId) {
        return byId.containsKey(stepId) && !succeeded(stepId);
    }

    List<StepResult> all() {
        return new ArrayList<>(byId.values());
    }

    static String reason(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof TimeoutException) return "no answer from the cluster in time";
        return t.getClass().getSimpleName().replace("Exception", "") + ": " + t.getMessage();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}

package io.kgr.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kgr.RunStatus;

/**
 * One reconcile of one source, as the status API and the log report it.
 *
 * @param trigger     what started it: schedule, webhook, retry or startup
 * @param commit      the commit that was read (empty when the source could not be read)
 * @param steps       planned steps by action kind (create-topic, alter-topic-config, …)
 * @param drift       the cluster differed from a commit kgr had already applied (someone changed it behind kgr's back);
 *                    in plan mode: the cluster differs from Git
 * @param applied     step outcomes by name (ok, failed, skipped); empty when nothing was applied
 * @param diagnostics formatted validation errors and warnings ({@code file:line:col  field  message})
 * @param cpu         the process's CPU time during the run
 */
public record RunRecord(String source, String trigger, Instant startedAt, Duration took, RunStatus status, String message,
                        Optional<String> commit, Map<String, Long> steps, boolean drift, Map<String, Long> applied,
                        List<String> refusals, int unmanaged, List<String> diagnostics, Duration cpu) {
    public RunRecord {
        steps = Map.copyOf(steps);
        applied = Map.copyOf(applied);
        refusals = List.copyOf(refusals);
        diagnostics = List.copyOf(diagnostics);
    }

    public RunRecord(String source, String trigger, Instant startedAt, Duration took, RunStatus status, String message,
                     Optional<String> commit, Map<String, Long> steps, boolean drift, Map<String, Long> applied,
                     List<String> refusals, int unmanaged, List<String> diagnostics) {
        this(source, trigger, startedAt, took, status, message, commit, steps, drift, applied, refusals, unmanaged,
                diagnostics, Duration.ZERO);
    }

    /** The same record, its message prefixed (a run made from the last fetched commit says so first). */
    RunRecord withMessagePrefix(String prefix) {
        return new RunRecord(source, trigger, startedAt, took, status, prefix + message, commit, steps, drift, applied,
                refusals, unmanaged, diagnostics, cpu);
    }

    /**
     * The same record with the CPU time the process spent during the run (all its threads: the run's own, the Kafka
     * and Kubernetes clients', the garbage collector's), what sizing a fleet needs.
     */
    RunRecord withCpu(Duration cpu) {
        return new RunRecord(source, trigger, startedAt, took, status, message, commit, steps, drift, applied,
                refusals, unmanaged, diagnostics, cpu);
    }

    public boolean succeeded() {
        return status == RunStatus.SUCCEEDED;
    }

    public long changes() {
        return steps.values().stream().mapToLong(Long::longValue).sum();
    }
}

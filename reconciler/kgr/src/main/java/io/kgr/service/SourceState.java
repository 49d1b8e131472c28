package io.kgr.service;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

import io.kgr.plan.Plan;

/** What the service knows about one source: its recent runs, its latest plan and its last good commit. */
final class SourceState {
    private final int keep;
    private final Deque<RunRecord> runs = new ArrayDeque<>();
    private Plan latestPlan;
    private String lastAppliedCommit;
    private Instant lastSuccess;
    private boolean fetchedOnce;
    /** Commits approved through this service's API for the source's held steps (runs also keep them in the inventory topic). */
    private final Set<String> approved = new HashSet<>();
    /** The steps the latest apply held, and why. */
    private Map<String, String> held = Map.of();
    private String heldCommit;

    SourceState(int keep) {
        this.keep = keep;
    }

    synchronized void record(RunRecord run, Optional<Plan> plan) {
        runs.addFirst(run);
        while (runs.size() > keep) runs.removeLast();
        plan.ifPresent(p -> latestPlan = p);
        if (run.commit().isPresent()) fetchedOnce = true;
        if (run.succeeded()) lastSuccess = run.startedAt().plus(run.took());
    }

    /** The commit the cluster was last made equal to (after an apply, or a plan that found nothing to do). */
    synchronized void converged(String commit) {
        lastAppliedCommit = commit;
    }

    synchronized Optional<String> lastAppliedCommit() {
        return Optional.ofNullable(lastAppliedCommit);
    }

    synchronized Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    synchronized boolean fetchedOnce() {
        return fetchedOnce;
    }

    synchronized List<RunRecord> runs() {
        return new ArrayList<>(runs);
    }

    synchronized Optional<RunRecord> last() {
        return Optional.ofNullable(runs.peekFirst());
    }

    synchronized void approve(String commit) {
        approved.add(commit);
    }

    synchronized boolean approved(String commit) {
        return approved.contains(commit);
    }

    /** The steps the latest apply held (step id → why), for {@code commit}. */
    synchronized void held(String commit, Map<String, String> steps) {
        heldCommit = steps.isEmpty() ? null : commit;
        held = Map.copyOf(steps);
    }

    synchronized Map<String, String> held() {
        return held;
    }

    synchronized Optional<String> heldCommit() {
        return Optional.ofNullable(heldCommit);
    }

    synchronized Optional<Plan> latestPlan() {
        return Optional.ofNullable(latestPlan);
    }
}

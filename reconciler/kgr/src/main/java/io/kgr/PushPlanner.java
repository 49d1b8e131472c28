package io.kgr;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.kgr.desired.DesiredState;
import io.kgr.desired.DesiredStateBuilder;
import io.kgr.observe.LiveState;
import io.kgr.observe.ObserveException;
import io.kgr.plan.Policy;
import io.kgr.source.Snapshot;
import io.kgr.source.SourceSpec;
import io.kgr.inventory.InventoryStore.InventoryException;

/**
 * Plans of a long-running service for one source: a full run reads everything and is remembered; a push plans what
 * it changed against that memory (see {@link #planPush}). One instance per source, kept across runs.
 */
public final class PushPlanner {
    private final Memory memory = new Memory();
    /** What the last plan would have this remember: kept only once it is known to be on the cluster. */
    private volatile Runnable pending = () -> { };

    /**
     * The last plan is on the cluster (applied, or nothing to change): what it observed and planned is remembered for
     * the next push. A refused, failed or plan-only run is not: a later push would plan from a view of the cluster
     * with changes that never happened.
     */
    public void confirm() {
        pending.run();
        pending = () -> { };
    }

    /** The last plan is not on the cluster: the memory stays as it was (older, and read in full when too old). */
    public void discard() {
        pending = () -> { };
    }

    /** The topics a run applied steps to: a push reads them again. */
    public void applied(Collection<String> topics) {
        memory.applied(topics);
    }

    /**
     * What a long-running service remembers of its last full run, so that a push plans and applies what it changed
     * first: the cluster as last fully observed, the desired state planned then, and the topics applied since (their
     * observation is out of date). A scheduled run reads everything again (drift is found there).
     */
    static final class Memory {
        private LiveState live;
        private DesiredState desired;
        private Instant at = Instant.MIN;
        /** Topic → the mark of the apply that touched it last: an observation made before that mark is out of date. */
        private final Map<String, Long> touched = new ConcurrentHashMap<>();
        private final AtomicLong marks = new AtomicLong();

        /** The topics a run applied steps to: a push reads them again. */
        public void applied(Collection<String> topics) {
            long mark = marks.incrementAndGet();
            topics.forEach(t -> touched.put(t, mark));
        }

        /** The mark an observation starts at: applies after it are not in what it read. */
        long mark() {
            return marks.get();
        }

        synchronized void full(LiveState live, DesiredState desired, Instant at, long readAt) {
            this.live = live;
            this.desired = desired;
            this.at = at;
            touched.values().removeIf(m -> m <= readAt);
        }

        synchronized void partial(LiveState live, DesiredState desired, Set<String> readAgain, long readAt) {
            this.live = live;
            this.desired = desired;
            readAgain.forEach(t -> touched.computeIfPresent(t, (k, m) -> m <= readAt ? null : m));
        }
    }

    /**
     * A push: plans against the remembered observation with only the topics whose declaration changed since (and those
     * applied since) read again — the brokers, users, ACLs, quotas and inventories are read in full. Falls back to a
     * full run when there is nothing remembered younger than {@code maxAge}, when the cluster or its nodes changed, or
     * when the push removes topics or users (a deletion is planned only from a full, fresh observation).
     */
    public PlanRun planPush(Reconciler reconciler, SourceSpec source, String sourceName, Target target, Policy policy, Duration maxAge) {
        LiveState earlier;
        DesiredState before;
        synchronized (memory) {
            earlier = memory.live;
            before = memory.desired;
            if (earlier == null || before == null || memory.at.isBefore(reconciler.clock().instant().minus(maxAge))) {
                return planFull(reconciler, source, sourceName, target, policy);
            }
        }
        Reconciler.Read read = reconciler.read(source, target.cluster());
        if (read.failure() != null) return PlanRun.failed(RunStatus.SOURCE_FAILED, read.failure().getMessage(), null, List.of());
        Snapshot snapshot = read.snapshot();
        DesiredStateBuilder.Result desired = read.desired();
        if (!desired.ok()) return Reconciler.invalid(snapshot, desired);
        DesiredState now = desired.state().get();
        long readAt = memory.mark();
        Set<String> changed = new TreeSet<>(memory.touched.keySet());
        boolean removes = before.topics().keySet().stream().anyMatch(t -> !now.topics().containsKey(t))
                || before.users().keySet().stream().anyMatch(u -> !now.users().containsKey(u));
        if (removes || !before.kafka().equals(now.kafka()) || !before.cluster().equals(now.cluster())) {
            return planFull(reconciler, source, sourceName, target, policy);
        }
        now.topics().forEach((name, spec) -> {
            if (!spec.equals(before.topics().get(name))) changed.add(name);
        });
        // a push that changes many topics is read in bulk: one listing costs less than thousands of names asked for
        if (changed.size() > 1000 && changed.size() * 10L > now.topics().size()) {
            return planFull(reconciler, source, sourceName, target, policy);
        }
        CompletableFuture<Observation> observation = CompletableFuture.supplyAsync(() -> {
            try {
                return new Observation(target.kafka().observe(earlier, changed), target.inventory().loadAll());
            } catch (ObserveException | InventoryException e) {
                throw new CompletionException(e);
            }
        });
        PlanRun run = reconciler.plan(source, snapshot, sourceName, target, policy, observation, Optional.empty(), desired);
        if (run.plan().isPresent()) {
            try {
                LiveState seen = observation.join().live();
                pending = () -> memory.partial(seen, now, changed, readAt);
            } catch (CompletionException e) {
                // nothing observed: nothing to remember
            }
        }
        return run;
    }

    /** A full run that remembers what it observed, for the pushes after it. */
    public PlanRun planFull(Reconciler reconciler, SourceSpec source, String sourceName, Target target, Policy policy) {
        Instant at = reconciler.clock().instant();
        long readAt = memory.mark();
        CompletableFuture<Observation> observation = Observation.of(target);
        Reconciler.Planned planned = reconciler.readAndPlan(source, sourceName, target, policy, observation);
        PlanRun run = planned.run();
        if (run.plan().isPresent() && planned.desired().ok()) {
            try {
                LiveState seen = observation.join().live();
                DesiredState wanted = planned.desired().state().get();
                pending = () -> memory.full(seen, wanted, at, readAt);
            } catch (CompletionException e) {
                // a cluster that does not answer yet: nothing to remember
            }
        }
        return run;
    }
}

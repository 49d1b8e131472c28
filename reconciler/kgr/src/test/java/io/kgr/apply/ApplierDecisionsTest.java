package io.kgr.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.kgr.inventory.Inventory;
import io.kgr.inventory.InventoryRecords;
import io.kgr.inventory.InventoryStore;
import io.kgr.plan.Change;
import io.kgr.plan.Phase;
import io.kgr.plan.Plan;
import io.kgr.plan.PlanHeader;
import io.kgr.plan.Risk;
import io.kgr.plan.Step;

/**
 * What apply decides on its own, with executors that only record what they were asked and fail what a test says:
 * batches, skipped dependants, holds, a shutdown between batches or rolls, and the inventory it records afterwards.
 */
class ApplierDecisionsTest {
    private static final PlanHeader HEADER = new PlanHeader("src", "/repo", "main", "c0ffee", "c1", "kafka:9092",
            Instant.parse("2026-12-07T12:00:00Z"), "f00d");

    /** Fake executors: each batch is recorded; a step in {@code failing} fails, every other one succeeds. */
    private final List<List<String>> batches = new ArrayList<>();
    private final Set<String> failing = new HashSet<>();
    private Runnable afterEachBatch = () -> { };
    private final List<Inventory> saved = new ArrayList<>();
    private boolean inventoryDown;

    private final InventoryStore store = new InventoryStore() {
        @Override
        public InventoryRecords loadAll() {
            return new InventoryRecords(List.of(new Inventory("c1", "src", "old", HEADER.createdAt(),
                    new TreeMap<>(Map.of("gone", "g.yaml")), new TreeMap<>())), "v1");
        }

        @Override
        public void save(Inventory inventory) throws InventoryException {
            if (inventoryDown) throw new InventoryException("the inventory topic has no leader", null);
            saved.add(inventory);
        }
    };

    private Executors executors(Results results) {
        return new Executors() {
            private void run(List<Step> batch) {
                batches.add(batch.stream().map(Step::id).toList());
                for (Step s : batch) {
                    if (failing.contains(s.id())) results.failed(s, "refused by the fake", System.nanoTime());
                    else results.ok(s, System.nanoTime());
                }
                afterEachBatch.run();
            }

            @Override
            public void onKafka(Change.Kind kind, List<Step> batch) {
                run(batch);
            }

            @Override
            public void createPods(List<Step> batch) {
                run(batch);
            }

            @Override
            public void onKubernetes(Step step) {
                run(List.of(step));
            }

            @Override
            public void awaitVisible(List<Step> succeeded) {
            }

            @Override
            public Map<String, String> freshHashes() {
                return Map.of();
            }
        };
    }

    private final List<StepResult> reported = new ArrayList<>();

    private Applier applier() {
        return new Applier(store, new ApplyOptions(Duration.ofSeconds(1), Duration.ofSeconds(1), 8000), reported::add,
                (plan, results) -> executors(results));
    }

    private static Step step(Phase phase, Change change, String... dependsOn) {
        return new Step(change.kind() + ":" + change.subject(), phase, change, Risk.SAFE, List.of(), "test",
                List.of(dependsOn));
    }

    private static Step create(String topic, String... dependsOn) {
        return step(Phase.TOPICS, new Change.CreateTopic(topic, 1, 1, new TreeMap<>()), dependsOn);
    }

    private static Step inventory(String... topics) {
        TreeMap<String, String> owned = new TreeMap<>();
        for (String t : topics) owned.put(t, t + ".yaml");
        return step(Phase.INVENTORY, new Change.UpdateInventory("c1", "src", HEADER.commit(), owned, new TreeMap<>()));
    }

    private static Plan plan(Step... steps) {
        return new Plan(HEADER, Plan.ordered(List.of(steps)), List.of(), List.of(), List.of());
    }

    private static Map<String, StepResult.Outcome> outcomes(ApplyReport report) {
        Map<String, StepResult.Outcome> out = new TreeMap<>();
        report.results().forEach(r -> out.put(r.stepId(), r.outcome()));
        return out;
    }

    @Test
    void consecutiveStepsOfOneKindGoAsOneBatch() {
        Step alter = step(Phase.TOPICS, new Change.AlterTopicConfig("c", new TreeMap<>(Map.of("retention.ms", "1")),
                new TreeSet<>()));
        ApplyReport report = applier().apply(plan(create("a"), create("b"), alter, inventory("a", "b", "c")));
        assertThat(batches).containsExactly(List.of("create-topic:a", "create-topic:b"), List.of("alter-topic-config:c"));
        assertThat(outcomes(report)).containsValues(StepResult.Outcome.OK).doesNotContainValue(StepResult.Outcome.FAILED);
        assertThat(reported).extracting(StepResult::stepId).containsExactly("create-topic:a", "create-topic:b",
                "alter-topic-config:c", "update-inventory:c1/src");
    }

    @Test
    void aFailedStepSkipsWhatDependsOnItAndTheInventoryRecordsOnlyWhatIsTrue() {
        failing.add("create-topic:a");
        Step increase = step(Phase.TOPICS, new Change.IncreasePartitions("a", 1, 3, List.of()), "create-topic:a");
        ApplyReport report = applier().apply(plan(create("a"), create("b"), increase, inventory("a", "b")));
        assertThat(outcomes(report)).containsEntry("create-topic:a", StepResult.Outcome.FAILED)
                .containsEntry("create-topic:b", StepResult.Outcome.OK)
                .containsEntry("increase-partitions:a", StepResult.Outcome.SKIPPED)
                .containsEntry("update-inventory:c1/src", StepResult.Outcome.OK);
        assertThat(batches).doesNotContain(List.of("increase-partitions:a"));
        // a topic that was not created is not owned; the pruned topic's delete was not in this plan, so it went
        assertThat(saved).singleElement().satisfies(i -> assertThat(i.topics()).containsOnlyKeys("b"));
    }

    @Test
    void aShutdownStartsNoFurtherBatchButTheInventoryStillRecordsWhatWasDone() {
        boolean[] stopping = {false};
        afterEachBatch = () -> stopping[0] = true; // SIGTERM arrives while the first batch runs
        Step delete = step(Phase.PRUNE, new Change.DeleteTopic("gone", 1));
        ApplyReport report = applier().stopWhen(() -> stopping[0]).apply(plan(create("a"), delete, inventory("a")));
        assertThat(outcomes(report)).containsEntry("create-topic:a", StepResult.Outcome.OK)
                .containsEntry("delete-topic:gone", StepResult.Outcome.SKIPPED)
                .containsEntry("update-inventory:c1/src", StepResult.Outcome.OK);
        assertThat(report.results()).filteredOn(r -> r.stepId().equals("delete-topic:gone"))
                .singleElement().satisfies(r -> assertThat(r.message()).contains("shutting down"));
        // the topic whose deletion did not run is still owned, so a later run still knows it may delete it
        assertThat(saved).singleElement().satisfies(i -> assertThat(i.topics()).containsOnlyKeys("a", "gone"));
    }

    @Test
    void aHeldStepAndItsDependantsWaitWhileTheRestApplies() {
        Step delete = step(Phase.PRUNE, new Change.DeleteTopic("gone", 1));
        Step after = step(Phase.PRUNE, new Change.DeleteTopic("gone2", 1), "delete-topic:gone");
        Function<Step, Optional<String>> holding = s -> s.change() instanceof Change.DeleteTopic
                && s.id().equals("delete-topic:gone") ? Optional.of("held: destructive steps wait for approval") : Optional.empty();
        ApplyReport report = applier().holding(holding).apply(plan(create("a"), delete, after, inventory("a")));
        assertThat(outcomes(report)).containsEntry("create-topic:a", StepResult.Outcome.OK)
                .containsEntry("delete-topic:gone", StepResult.Outcome.HELD)
                .containsEntry("delete-topic:gone2", StepResult.Outcome.HELD)
                .containsEntry("update-inventory:c1/src", StepResult.Outcome.OK);
        assertThat(batches).containsExactly(List.of("create-topic:a"));
        assertThat(saved).singleElement().satisfies(i -> assertThat(i.topics()).containsKeys("a", "gone"));
    }

    @Test
    void aFailedRollStopsTheRollsAfterItAndAShutdownStopsThemAtAPod() {
        Step roll0 = step(Phase.ROLLS, new Change.RollPod("c1-brokers-0", 0, true, "{}"));
        Step roll1 = step(Phase.ROLLS, new Change.RollPod("c1-brokers-1", 1, true, "{}"), roll0.id());
        Step roll2 = step(Phase.ROLLS, new Change.RollPod("c1-brokers-2", 2, true, "{}"), roll1.id());
        failing.add(roll1.id());
        ApplyReport failed = applier().apply(plan(roll0, roll1, roll2));
        assertThat(outcomes(failed)).containsEntry(roll0.id(), StepResult.Outcome.OK)
                .containsEntry(roll1.id(), StepResult.Outcome.FAILED).containsEntry(roll2.id(), StepResult.Outcome.SKIPPED);

        failing.clear();
        batches.clear();
        boolean[] stopping = {false};
        afterEachBatch = () -> stopping[0] = true; // the pod being rolled finishes; the next one does not start
        ApplyReport stopped = applier().stopWhen(() -> stopping[0]).apply(plan(roll0, roll1, roll2));
        assertThat(batches).containsExactly(List.of(roll0.id()));
        assertThat(outcomes(stopped)).containsEntry(roll0.id(), StepResult.Outcome.OK)
                .containsEntry(roll1.id(), StepResult.Outcome.SKIPPED).containsEntry(roll2.id(), StepResult.Outcome.SKIPPED);
    }

    @Test
    void anInventoryThatCannotBeWrittenIsAFailedStepNotAFailedApply() {
        inventoryDown = true;
        ApplyReport report = applier().apply(plan(create("a"), inventory("a")));
        assertThat(outcomes(report)).containsEntry("create-topic:a", StepResult.Outcome.OK)
                .containsEntry("update-inventory:c1/src", StepResult.Outcome.FAILED);
        assertThat(report.results()).filteredOn(r -> r.stepId().startsWith("update-inventory"))
                .singleElement().satisfies(r -> assertThat(r.message()).contains("no leader"));
    }
}

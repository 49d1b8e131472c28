package io.kgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kgr.desired.SecretResolver;
import io.kgr.observe.KafkaState;
import io.kgr.observe.LiveState;
import io.kgr.observe.ObserveException;
import io.kgr.plan.Change;
import io.kgr.plan.Plan;
import io.kgr.plan.Policy;
import io.kgr.plan.Step;
import io.kgr.source.SourceSpec;
import io.kgr.inventory.Inventory;
import io.kgr.inventory.InventoryRecords;
import io.kgr.inventory.InventoryStore;

/**
 * The stages of a run on plain values: a directory for Git, a fake broker state and an in-memory inventory store.
 * Each stage that fails stops the run with a status naming it, and nothing after it is asked.
 */
class ReconcilerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path repo;

    private final AtomicInteger observed = new AtomicInteger();
    private final List<Inventory> stored = new ArrayList<>();
    private final InventoryStore store = new InventoryStore() {
        @Override
        public InventoryRecords loadAll() {
            return new InventoryRecords(List.copyOf(stored), "v" + stored.size());
        }

        @Override
        public void save(Inventory inventory) {
            stored.add(inventory);
        }
    };

    @BeforeEach
    void repository() throws IOException {
        Files.writeString(repo.resolve("orders.yaml"), topic("orders", 3));
    }

    private static String topic(String name, int partitions) {
        return """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata:
                  name: %s
                  labels:
                    strimzi.io/cluster: c1
                spec:
                  partitions: %d
                  replicas: 1
                """.formatted(name, partitions);
    }

    private Target target(KafkaState kafka) {
        return new Target(Optional.of("c1"), "localhost:9092", kafka, store);
    }

    private KafkaState empty() {
        return () -> {
            observed.incrementAndGet();
            return new LiveState("cluster-id", new java.util.TreeSet<>(List.of(0)), new TreeMap<>());
        };
    }

    private PlanRun plan(Target target) {
        SourceSpec source = new SourceSpec(repo.toString(), Optional.empty(), "", null, Optional.empty());
        return new Reconciler(CLOCK, SecretResolver.none()).plan(source, "repo", target, Policy.defaults(false));
    }

    @Test
    void aRunReadsGitObservesThenPlans() throws Exception {
        PlanRun run = plan(target(empty()));
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        Plan plan = run.plan().orElseThrow();
        assertThat(plan.steps()).extracting(Step::id).containsExactly("create-topic:orders", "update-inventory:c1/repo");
        assertThat(((Change.CreateTopic) plan.steps().get(0).change()).partitions()).isEqualTo(3);
        // the first apply makes the inventory's store: the plan shows it
        assertThat(plan.steps().get(1).fields()).anySatisfy(f -> assertThat(f.field() + " " + f.after())
                .startsWith("inventory topic __kgr_inventory"));
        assertThat(plan.header().cluster()).isEqualTo("c1");
        assertThat(plan.header().createdAt()).isEqualTo(CLOCK.instant());
        // the header's fingerprint is the one a saved plan is checked against
        assertThat(plan.header().fingerprint()).isEqualTo(Fingerprint.of(
                new LiveState("cluster-id", new java.util.TreeSet<>(List.of(0)), new TreeMap<>()),
                store.loadAll().select("c1", "repo")));
    }

    @Test
    void aManifestErrorStopsTheRunBeforeAPlan() throws IOException {
        Files.writeString(repo.resolve("bad.yaml"), topic("bad", 3).replace("partitions: 3", "partitions: three"));
        PlanRun run = plan(target(empty()));
        assertThat(run.status()).isEqualTo(RunStatus.VALIDATION_FAILED);
        assertThat(run.plan()).isEmpty();
        assertThat(run.diagnostics()).anyMatch(d -> d.isError() && d.toString().contains("bad.yaml"));
    }

    @Test
    void aClusterThatDoesNotAnswerStopsTheRunAtObserve() {
        PlanRun run = plan(target(() -> {
            throw new ObserveException("no broker answers at localhost:9092", null);
        }));
        assertThat(run.status()).isEqualTo(RunStatus.OBSERVE_FAILED);
        assertThat(run.message()).contains("no broker answers");
        assertThat(run.plan()).isEmpty();
    }

    @Test
    void aSourceThatCannotBeReadStopsTheRunFirst() {
        SourceSpec missing = new SourceSpec(repo.resolve("nowhere").toString(), Optional.empty(), "", null, Optional.empty());
        PlanRun run = new Reconciler(CLOCK, SecretResolver.none()).plan(missing, "repo", target(empty()), Policy.defaults(false));
        assertThat(run.status()).isEqualTo(RunStatus.SOURCE_FAILED);
        assertThat(run.plan()).isEmpty();
    }

    @Test
    void aSavedPlanIsRefusedOnceTheClusterChanged() throws Exception {
        Plan saved = plan(target(empty())).plan().orElseThrow();
        assertThat(Fingerprint.changedSince(saved, target(empty()), false)).isEmpty();
        KafkaState grown = () -> new LiveState("cluster-id", new java.util.TreeSet<>(List.of(0, 1)), new TreeMap<>());
        assertThat(Fingerprint.changedSince(saved, target(grown), false)).hasValueSatisfying(
                why -> assertThat(why).contains("the cluster changed since this plan was made", "Nothing was applied"));
        store.save(new Inventory("c1", "other", "abc", CLOCK.instant(), new TreeMap<>()));
        assertThat(Fingerprint.changedSince(saved, target(empty()), false)).as("an inventory written since").isPresent();
    }

    @Test
    void aPushPlansFromTheMemoryOfAFullRunOnlyOnceThatRunIsOnTheCluster() throws Exception {
        AtomicInteger full = new AtomicInteger();
        AtomicInteger partial = new AtomicInteger();
        KafkaState counting = new KafkaState() {
            @Override
            public LiveState observe() {
                full.incrementAndGet();
                return new LiveState("cluster-id", new java.util.TreeSet<>(List.of(0)), new TreeMap<>());
            }

            @Override
            public LiveState observe(LiveState earlier, java.util.Set<String> topics) {
                partial.incrementAndGet();
                return earlier;
            }
        };
        SourceSpec source = new SourceSpec(repo.toString(), Optional.empty(), "", null, Optional.empty());
        Reconciler reconciler = new Reconciler(CLOCK, SecretResolver.none());
        for (boolean applied : List.of(true, false)) {
            full.set(0);
            partial.set(0);
            PushPlanner pushes = new PushPlanner();
            pushes.planFull(reconciler, source, "repo", target(counting), Policy.defaults(false));
            if (applied) pushes.confirm();
            else pushes.discard(); // refused, failed, or plan mode: what it planned never happened
            Files.writeString(repo.resolve("orders.yaml"), topic("orders", applied ? 4 : 5));
            PlanRun push = pushes.planPush(reconciler, source, "repo", target(counting), Policy.defaults(false),
                    java.time.Duration.ofMinutes(10));
            assertThat(push.status()).isEqualTo(RunStatus.SUCCEEDED);
            if (applied) {
                assertThat(full.get()).as("the push read only what changed").isEqualTo(1);
                assertThat(partial.get()).isEqualTo(1);
            } else {
                assertThat(full.get()).as("nothing confirmed: the push reads everything").isEqualTo(2);
                assertThat(partial.get()).isZero();
            }
        }
    }
}

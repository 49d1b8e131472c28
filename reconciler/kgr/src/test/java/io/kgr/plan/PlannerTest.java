package io.kgr.plan;

import static io.kgr.plan.Fixtures.desired;
import static io.kgr.plan.Fixtures.header;
import static io.kgr.plan.Fixtures.live;
import static io.kgr.plan.Fixtures.liveState;
import static io.kgr.plan.Fixtures.owning;
import static io.kgr.plan.Fixtures.owningWithOther;
import static io.kgr.plan.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.kgr.desired.DesiredState;
import io.kgr.desired.TopicSpec;
import io.kgr.plan.Change.AlterTopicConfig;
import io.kgr.plan.Change.ChangeReplicationFactor;
import io.kgr.plan.Change.CreateTopic;
import io.kgr.plan.Change.UpdateInventory;
import io.kgr.inventory.Inventories;

class PlannerTest {
    private final Planner planner = new Planner();

    private Plan plan(io.kgr.desired.DesiredState d, io.kgr.observe.LiveState l, Inventories i, boolean prune) {
        return planner.plan(d, l, i, Policy.defaults(prune), header());
    }

    private static List<String> ids(Plan plan) {
        return plan.steps().stream().map(Step::id).toList();
    }

    @Test
    void createsMissingTopicsInNameOrderAndRecordsThemInTheInventory() {
        Plan plan = plan(desired(spec("b", 3, 1, Map.of()), spec("a", null, null, Map.of("retention.ms", "1000"))),
                liveState(1), owning(), false);
        assertThat(ids(plan)).containsExactly("create-topic:a", "create-topic:b", "update-inventory:c1/repo-a");
        CreateTopic a = (CreateTopic) plan.steps().get(0).change();
        assertThat(a.partitions()).as("omitted = broker default").isNull();
        assertThat(a.config()).containsEntry("retention.ms", "1000");
        UpdateInventory inv = (UpdateInventory) plan.steps().get(2).change();
        assertThat(inv.topics()).containsOnlyKeys("a", "b");
        assertThat(inv.commit()).isEqualTo(header().commit());
    }

    @Test
    void aTopicGitHoldsWithStrimzisAnnotationIsNeitherChangedNorPrunedAndStaysOwned() {
        DesiredState base = desired(spec("kept", 3, 1, Map.of()));
        DesiredState held = new DesiredState(base.cluster(), base.topics(), new TreeMap<>(), Optional.empty(), List.of(),
                List.of(), List.of(new DesiredState.Held("topic", "paused", "strimzi.io/managed: \"false\"",
                        new io.kgr.manifest.Location("topics/paused.yaml", 1, 1))));
        // the paused topic differs from nothing Git says, and pruning is on: it is still left alone
        Plan plan = new Planner().plan(held, liveState(1, live("kept", 3, 1, 1, Map.of()),
                live("paused", 1, 1, 1, Map.of("retention.ms", "5"))), owning("kept", "paused"), Policy.defaults(true), header());
        assertThat(ids(plan)).doesNotContain("delete-topic:paused").noneMatch(id -> id.endsWith(":paused"));
        assertThat(plan.notes()).anyMatch(n -> n.contains("topic paused is left as it is on the cluster")
                && n.contains("topics/paused.yaml"));
        assertThat(plan.unmanaged()).noneMatch(u -> u.name().equals("paused"));
        // the same without the annotation: a prune
        Plan pruned = new Planner().plan(base, liveState(1, live("kept", 3, 1, 1, Map.of()),
                live("paused", 1, 1, 1, Map.of())), owning("kept", "paused"), Policy.defaults(true), header());
        assertThat(ids(pruned)).contains("delete-topic:paused");
    }

    @Test
    void equalStateGivesNoStepsEvenWhenValuesAreWrittenDifferently() {
        var spec = spec("t", 3, 1, Map.of("retention.ms", "1000", "cleanup.policy", "compact, delete",
                "min.cleanable.dirty.ratio", "0.50", "unclean.leader.election.enable", "FALSE"));
        var live = live("t", 3, 1, 1, Map.of("retention.ms", "1000", "cleanup.policy", "compact,delete",
                "min.cleanable.dirty.ratio", "0.5", "unclean.leader.election.enable", "false"));
        Plan plan = plan(desired(spec), liveState(1, live), owning("t"), false);
        assertThat(plan.steps()).isEmpty();
        assertThat(plan.refusals()).isEmpty();
    }

    @Test
    void omittedPartitionsAndReplicasAreNeverCompared() {
        Plan plan = plan(desired(spec("t", null, null, Map.of())), liveState(3, live("t", 7, 2, 3, Map.of())),
                owning("t"), false);
        assertThat(plan.steps()).isEmpty();
    }

    @Test
    void ordersTopicStepsCreateThenPartitionsThenConfigThenReplication() {
        var d = desired(spec("new", 1, 1, Map.of()), spec("grow", 4, 1, Map.of()),
                spec("conf", 1, 1, Map.of("retention.ms", "5")), spec("rf", 1, 2, Map.of()));
        var l = liveState(2, live("grow", 2, 1, 2, Map.of()), live("conf", 1, 1, 2, Map.of()), live("rf", 1, 1, 2, Map.of()));
        Plan plan = plan(d, l, owning("grow", "conf", "rf"), false);
        assertThat(ids(plan)).containsExactly("create-topic:new", "increase-partitions:grow", "alter-topic-config:conf",
                "change-replication-factor:rf", "update-inventory:c1/repo-a");
        assertThat(plan.steps().get(1).risk()).isEqualTo(Risk.DISRUPTIVE);
    }

    @Test
    void setsChangedKeysAndDeletesKeysGitNoLongerHas() {
        var plan = plan(desired(spec("t", 1, 1, Map.of("retention.ms", "2000", "compression.type", "zstd"))),
                liveState(1, live("t", 1, 1, 1, Map.of("retention.ms", "1000", "segment.ms", "60000"))), owning("t"), false);
        AlterTopicConfig alter = (AlterTopicConfig) plan.steps().get(0).change();
        assertThat(alter.set()).containsExactly(Map.entry("compression.type", "zstd"), Map.entry("retention.ms", "2000"));
        assertThat(alter.delete()).containsExactly("segment.ms");
        assertThat(plan.steps().get(0).fields()).extracting(FieldChange::field, FieldChange::before, FieldChange::after)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("config.compression.type", null, "zstd"),
                        org.assertj.core.groups.Tuple.tuple("config.retention.ms", "1000", "2000"),
                        org.assertj.core.groups.Tuple.tuple("config.segment.ms", "60000", null));
        assertThat(plan.steps().get(0).risk()).isEqualTo(Risk.SAFE);
    }

    @Test
    void loweringRetentionIsDestructive() {
        var plan = plan(desired(spec("t", 1, 1, Map.of("retention.ms", "1000"))),
                liveState(1, live("t", 1, 1, 1, Map.of("retention.ms", "-1"))), owning("t"), false);
        assertThat(plan.steps().get(0).risk()).isEqualTo(Risk.DESTRUCTIVE);
        var raise = plan(desired(spec("t", 1, 1, Map.of("retention.ms", "-1"))),
                liveState(1, live("t", 1, 1, 1, Map.of("retention.ms", "1000"))), owning("t"), false);
        assertThat(raise.steps().get(0).risk()).isEqualTo(Risk.SAFE);
    }

    @Test
    void refusesPartitionDecreaseAndReplicasAboveBrokerCount() {
        var plan = plan(desired(spec("shrink", 2, 1, Map.of()), spec("wide", 1, 4, Map.of()), spec("widen", 1, 5, Map.of())),
                liveState(3, live("shrink", 6, 1, 3, Map.of()), live("widen", 1, 1, 3, Map.of())), owning("shrink", "widen"), false);
        assertThat(plan.refusals()).extracting(Refusal::subject).containsExactly("shrink", "wide", "widen");
        assertThat(plan.refusals().get(0).reason()).contains("6 → 2", "cannot remove partitions");
        assertThat(plan.refusals().get(1).reason()).contains("more than the 3 live broker(s)");
        assertThat(plan.steps()).noneMatch(s -> s.change() instanceof CreateTopic || s.change() instanceof ChangeReplicationFactor);
    }

    @Test
    void growingReplicationKeepsExistingReplicasAndSpreadsNewOnes() {
        var plan = plan(desired(spec("t", 6, 3, Map.of())), liveState(3, live("t", 6, 1, 3, Map.of())), owning("t"), false);
        ChangeReplicationFactor rf = (ChangeReplicationFactor) plan.steps().get(0).change();
        assertThat(rf.from()).isEqualTo(1);
        assertThat(rf.to()).isEqualTo(3);
        rf.assignment().forEach((p, replicas) -> {
            assertThat(replicas).hasSize(3).doesNotHaveDuplicates();
            assertThat(replicas.get(0)).as("preferred leader of partition %d stays", p).isEqualTo(p % 3);
        });
        // the same inputs always give the same assignment
        var again = plan(desired(spec("t", 6, 3, Map.of())), liveState(3, live("t", 6, 1, 3, Map.of())), owning("t"), false);
        assertThat(((ChangeReplicationFactor) again.steps().get(0).change()).assignment()).isEqualTo(rf.assignment());
    }

    @Test
    void shrinkingReplicationKeepsThePreferredLeader() {
        var plan = plan(desired(spec("t", 3, 1, Map.of())), liveState(3, live("t", 3, 3, 3, Map.of())), owning("t"), false);
        ChangeReplicationFactor rf = (ChangeReplicationFactor) plan.steps().get(0).change();
        rf.assignment().forEach((p, replicas) -> assertThat(replicas).containsExactly(p % 3));
    }

    @Test
    void partitionsGrowAfterAReplicationChangeOfTheSameTopic() {
        // Kafka refuses new partitions whose replica count differs from the existing ones
        var plan = plan(desired(spec("t", 4, 2, Map.of())), liveState(3, live("t", 2, 1, 3, Map.of())), owning("t"), false);
        assertThat(ids(plan)).containsExactly("change-replication-factor:t", "increase-partitions:t",
                "update-inventory:c1/repo-a"); // records the commit applied
        assertThat(((ChangeReplicationFactor) plan.steps().get(0).change()).assignment()).containsOnlyKeys(0, 1);
        assertThat(plan.steps().get(1).dependsOn()).containsExactly("change-replication-factor:t");
    }

    @Test
    void prunesOnlyOwnedTopicsAndOnlyWhenPolicySaysSo() {
        var live = liveState(1, live("owned-gone", 3, 1, 1, Map.of()), live("foreign", 1, 1, 1, Map.of()),
                live("kept", 1, 1, 1, Map.of()));
        var d = desired(spec("kept", 1, 1, Map.of()));
        Plan noPrune = plan(d, live, owning("kept", "owned-gone"), false);
        assertThat(noPrune.steps()).isEmpty();
        assertThat(noPrune.notes()).anyMatch(n -> n.contains("owned-gone is no longer in Git; kept"));
        assertThat(noPrune.unmanaged()).extracting(Unmanaged::name).containsExactly("foreign");

        Plan prune = plan(d, live, owning("kept", "owned-gone"), true);
        assertThat(ids(prune)).containsExactly("delete-topic:owned-gone", "update-inventory:c1/repo-a");
        assertThat(prune.steps().get(0).risk()).isEqualTo(Risk.DESTRUCTIVE);
        assertThat(prune.steps().get(0).phase()).isEqualTo(Phase.PRUNE);
        assertThat(((UpdateInventory) prune.steps().get(1).change()).topics()).containsOnlyKeys("kept");
    }

    @Test
    void neverPrunesProtectedTopicsEvenWhenOwned() {
        var live = liveState(1, live("_schemas", 1, 1, 1, Map.of()));
        Plan plan = plan(desired(), live, owning("_schemas"), true);
        assertThat(plan.steps()).isEmpty();
        assertThat(plan.refusals()).singleElement().satisfies(r -> assertThat(r.reason()).contains("protected pattern"));
    }

    @Test
    void refusesTopicsOfAnotherSourceAndListsThemAsTheirs() {
        var live = liveState(1, live("theirs", 1, 1, 1, Map.of()), live("also-theirs", 1, 1, 1, Map.of()));
        var inv = owningWithOther("repo-b", List.of(), List.of("theirs", "also-theirs"));
        Plan plan = plan(desired(spec("theirs", 1, 1, Map.of("retention.ms", "1"))), live, inv, true);
        assertThat(plan.refusals()).singleElement().satisfies(r -> assertThat(r.reason()).contains("'repo-b'"));
        assertThat(plan.unmanaged()).singleElement().satisfies(u -> assertThat(u.note()).contains("managed by source 'repo-b'"));
        assertThat(plan.steps()).isEmpty();
    }

    @Test
    void refusesInternalAndProtectedTopicsInGit() {
        Plan plan = plan(desired(spec("__consumer_offsets", 1, 1, Map.of()), spec("connect-offsets", 1, 1, Map.of())),
                liveState(1), owning(), false);
        assertThat(plan.refusals()).extracting(Refusal::subject).containsExactly("__consumer_offsets", "connect-offsets");
        assertThat(plan.steps()).isEmpty();
    }

    @Test
    void refusesRenameAndKeepsTheOldTopic() {
        var renamed = new TopicSpec("orders-v2", "orders", "c1", 1, 1, new java.util.TreeMap<>(), new io.kgr.manifest.Location("t.yaml", 1, 1));
        var inv = new Inventories(new io.kgr.inventory.Inventory("c1", "repo-a", "abc", Fixtures.T0,
                new java.util.TreeMap<>(Map.of("orders-v1", "orders"))), List.of(), "v1");
        Plan plan = planner.plan(desired(renamed), liveState(1, live("orders-v1", 1, 1, 1, Map.of())), inv,
                Policy.defaults(true), header());
        assertThat(plan.refusals()).singleElement().satisfies(r -> assertThat(r.reason()).contains("renaming topic 'orders-v1' to 'orders-v2'"));
        assertThat(plan.steps()).as("neither the new topic is created nor the old one pruned").isEmpty();
    }

    @Test
    void adoptsExistingTopicsThatGitDeclares() {
        Plan plan = plan(desired(spec("t", 1, 1, Map.of())), liveState(1, live("t", 1, 1, 1, Map.of())), owning(), false);
        assertThat(ids(plan)).containsExactly("update-inventory:c1/repo-a");
        assertThat(plan.count(Action.UPDATE)).as("bookkeeping is not counted as a cluster change").isZero();
    }

    @Test
    void topicsDeletedBehindKgrsBackAreRecreatedIfInGitAndForgottenIfNot() {
        Plan plan = plan(desired(spec("back", 1, 1, Map.of())), liveState(1), owning("back", "gone"), true);
        assertThat(ids(plan)).containsExactly("create-topic:back", "update-inventory:c1/repo-a");
        assertThat(((UpdateInventory) plan.steps().get(1).change()).topics()).containsOnlyKeys("back");
    }

    @Test
    void aPruneThatEmptiesTheSourceIsRefusedAndNamesTheLikelyCause() {
        var typo = new io.kgr.desired.DesiredState.Skipped("KafkaTopic", "a", "c1-typo",
                new io.kgr.manifest.Location("topics/a.yaml", 6, 25), false);
        var empty = new io.kgr.desired.DesiredState("c1", new java.util.TreeMap<>(), new java.util.TreeMap<>(),
                java.util.Optional.empty(), List.of(typo));
        var live = liveState(1, live("a", 1, 1, 1, Map.of()), live("b", 1, 1, 1, Map.of()));
        Plan plan = plan(empty, live, owning("a", "b"), true);
        assertThat(plan.isRefused()).isTrue();
        assertThat(plan.refusals()).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("prune");
            assertThat(r.reason()).contains("delete everything source 'repo-a' manages on cluster c1 (2 topic(s) and 0 user(s))",
                    "no topic or user manifest of this source is labelled for cluster c1",
                    "1 labelled 'c1-typo' (first at topics/a.yaml:6:25)", "Nothing was applied", "--allow-mass-prune");
        });
        assertThat(plan.notes()).anyMatch(n -> n.contains("labelled strimzi.io/cluster: c1-typo were skipped"));

        Policy consent = Policy.defaults(true).withMassPrune(true, Policy.DEFAULT_MAX_PRUNE_SHARE);
        Plan allowed = planner.plan(empty, live, owning("a", "b"), consent, header());
        assertThat(allowed.refusals()).isEmpty();
        assertThat(ids(allowed)).contains("delete-topic:a", "delete-topic:b");
    }

    @Test
    void aPruneOfMoreThanTheShareIsRefusedAndASmallOneIsNot() {
        var live = liveState(1, live("a", 1, 1, 1, Map.of()), live("b", 1, 1, 1, Map.of()), live("c", 1, 1, 1, Map.of()),
                live("d", 1, 1, 1, Map.of()));
        Plan three = plan(desired(spec("a", 1, 1, Map.of())), live, owning("a", "b", "c", "d"), true);
        assertThat(three.refusals()).singleElement().satisfies(r -> assertThat(r.reason())
                .contains("delete 3 topic(s) and 0 user(s), 75% of the 4", "more than the 50%", "--max-prune-share"));
        Plan two = plan(desired(spec("a", 1, 1, Map.of()), spec("b", 1, 1, Map.of())), live, owning("a", "b", "c", "d"), true);
        assertThat(two.refusals()).as("half is allowed").isEmpty();
        assertThat(ids(two)).contains("delete-topic:c", "delete-topic:d");
        Plan raised = planner.plan(desired(spec("a", 1, 1, Map.of())), live, owning("a", "b", "c", "d"),
                Policy.defaults(true).withMassPrune(false, 80), header());
        assertThat(raised.refusals()).isEmpty();
    }

    @Test
    void throttlesOtherToolsSetAreNotDriftUnlessGitDeclaresThem() {
        var throttled = live("t", 2, 1, 1, Map.of("retention.ms", "1000",
                "leader.replication.throttled.replicas", "0:0,1:0", "follower.replication.throttled.replicas", "*"));
        Plan plan = plan(desired(spec("t", 2, 1, Map.of("retention.ms", "1000"))), liveState(1, throttled), owning("t"), false);
        assertThat(plan.steps()).as("a move in progress is left alone").isEmpty();
        Plan declared = plan(desired(spec("t", 2, 1, Map.of("retention.ms", "1000", "follower.replication.throttled.replicas", "0:0"))),
                liveState(1, throttled), owning("t"), false);
        AlterTopicConfig alter = (AlterTopicConfig) declared.steps().get(0).change();
        assertThat(alter.set()).containsOnlyKeys("follower.replication.throttled.replicas");
        assertThat(alter.delete()).isEmpty();
        Plan custom = planner.plan(desired(spec("t", 2, 1, Map.of())), liveState(1, live("t", 2, 1, 1, Map.of("segment.ms", "1"))),
                owning("t"), Policy.defaults(false).withOperationalKeys(java.util.Set.of("segment.ms")), header());
        assertThat(custom.steps()).isEmpty();
    }

    @Test
    void changesThatDeleteRecordsTheTopicKeepsTodayAreDestructiveDefaultsIncluded() {
        // Fixtures' live state shows no broker defaults: Kafka's own apply (retention.ms 7 days, cleanup.policy delete)
        var plain = live("t", 1, 1, 1, Map.of());
        Plan lower = plan(desired(spec("t", 1, 1, Map.of("retention.ms", "3600000"))), liveState(1, plain), owning("t"), false);
        assertThat(lower.steps().get(0).risk()).isEqualTo(Risk.DESTRUCTIVE);
        assertThat(lower.steps().get(0).reason()).contains("retention.ms 604800000 → 3600000: older records are deleted");
        Plan longer = plan(desired(spec("t", 1, 1, Map.of("retention.ms", "-1"))), liveState(1, plain), owning("t"), false);
        assertThat(longer.steps().get(0).risk()).isEqualTo(Risk.SAFE);

        var keptLong = live("t", 1, 1, 1, Map.of("retention.ms", "2592000000"));
        Plan removed = plan(desired(spec("t", 1, 1, Map.of())), liveState(1, keptLong), owning("t"), false);
        assertThat(removed.steps().get(0).risk()).isEqualTo(Risk.DESTRUCTIVE);
        assertThat(removed.steps().get(0).reason()).contains("removing the retention.ms override (2592000000) goes back to the default 604800000");
        var keptShort = live("t", 1, 1, 1, Map.of("retention.ms", "1000"));
        assertThat(plan(desired(spec("t", 1, 1, Map.of())), liveState(1, keptShort), owning("t"), false).steps().get(0).risk())
                .isEqualTo(Risk.SAFE);

        var compacted = live("t", 1, 1, 1, Map.of("cleanup.policy", "compact"));
        Plan toDelete = plan(desired(spec("t", 1, 1, Map.of("cleanup.policy", "delete"))), liveState(1, compacted), owning("t"), false);
        assertThat(toDelete.steps().get(0).risk()).isEqualTo(Risk.DESTRUCTIVE);
        assertThat(toDelete.steps().get(0).reason()).contains("cleanup.policy compact → delete");
        assertThat(plan(desired(spec("t", 1, 1, Map.of())), liveState(1, compacted), owning("t"), false).steps().get(0).risk())
                .as("removing compact goes back to the default, delete").isEqualTo(Risk.DESTRUCTIVE);
        assertThat(plan(desired(spec("t", 1, 1, Map.of("cleanup.policy", "compact,delete"))), liveState(1, compacted), owning("t"),
                false).steps().get(0).risk()).isEqualTo(Risk.SAFE);

        // a broker whose default is one day: 2 days is longer than what the topic keeps now
        var oneDay = new io.kgr.observe.LiveState("id", new java.util.TreeSet<>(List.of(0)), new java.util.TreeMap<>(Map.of("t", plain)),
                new java.util.TreeMap<>(), List.of(), true, new java.util.TreeMap<>(), new java.util.TreeMap<>(), -1,
                new java.util.TreeMap<>(Map.of("retention.ms", "86400000")));
        assertThat(plan(desired(spec("t", 1, 1, Map.of("retention.ms", "172800000"))), oneDay, owning("t"), false).steps().get(0).risk())
                .isEqualTo(Risk.SAFE);
    }

    @Test
    void theInventoryRecordsEveryAppliedCommitButACommitThatChangesNothingPlansNothing() {
        var live = liveState(1, live("t", 1, 1, 1, Map.of("retention.ms", "1000")));
        Plan valueOnly = plan(desired(spec("t", 1, 1, Map.of("retention.ms", "2000"))), live, owning("t"), false);
        assertThat(ids(valueOnly)).containsExactly("alter-topic-config:t", "update-inventory:c1/repo-a");
        assertThat(((UpdateInventory) valueOnly.steps().get(1).change()).commit()).isEqualTo(header().commit());
        Plan nothing = plan(desired(spec("t", 1, 1, Map.of("retention.ms", "1000"))), live, owning("t"), false);
        assertThat(nothing.steps()).as("a README commit: No changes").isEmpty();
    }

    @Test
    void aMoveInFlightIsComparedByItsTargetAndNeverOverridden() {
        var moving = new io.kgr.observe.LiveTopic("t", List.of(new io.kgr.observe.LivePartition(0, 0, List.of(1), List.of(0, 1))),
                new java.util.TreeMap<>(), new java.util.TreeMap<>(Map.of(0, List.of(0, 1))));
        Plan same = plan(desired(spec("t", 1, 1, Map.of())), liveState(2, moving), owning("t"), false);
        assertThat(same.steps()).as("RF 1 is the move's target, not 2").isEmpty();
        assertThat(same.notes()).anyMatch(n -> n.contains("reassignment in progress on 1 partition(s) of 1 topic(s) (t)"));
        Plan more = plan(desired(spec("t", 1, 2, Map.of())), liveState(2, moving), owning("t"), false);
        assertThat(more.steps()).noneMatch(s -> s.change() instanceof ChangeReplicationFactor);
        assertThat(more.notes()).anyMatch(n -> n.contains("replicas 1 → 2 waits until the reassignment in progress has finished"));
    }
}

package io.kgr.plan;

import static io.kgr.plan.Fixtures.header;
import static io.kgr.plan.Fixtures.live;
import static io.kgr.plan.Fixtures.owning;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.kgr.desired.ClusterSpec;
import io.kgr.desired.DesiredState;
import io.kgr.desired.TopicSpec;
import io.kgr.observe.LiveState;
import io.kgr.observe.LiveTopic;

/**
 * A broker pool scaled in Git. Down (3 → 2 brokers: broker 2 leaves): a broker that hosts replicas is not removed,
 * unless the same plan's replication-factor changes take them off it first; new replicas never go to it. Up (3 → 4:
 * broker 6 joins, the controllers have 3–5): topics in the same commit may use the new broker.
 */
class ScaleDownPlanTest {
    static final ClusterSpec THREE = KubePlannerTest.spec("");

    /** The fixture cluster with its broker pool at {@code replicas}. */
    static ClusterSpec brokers(int replicas) {
        var pools = new ArrayList<>(THREE.pools());
        var b = pools.get(0);
        pools.set(0, new ClusterSpec.Pool(b.name(), b.roles(), replicas, b.storage(), null, null, null, Optional.empty(), Optional.empty()));
        return new ClusterSpec(THREE.name(), THREE.namespace(), THREE.version(), THREE.metadataVersion(), THREE.image(), true,
                THREE.listeners(), THREE.config(), pools, Optional.empty(), Optional.empty(), null);
    }

    private static Plan plan(ClusterSpec cluster, List<TopicSpec> topics, LiveTopic... live) {
        return plan(Policy.defaults(false), cluster, topics, live);
    }

    private static Plan plan(Policy policy, ClusterSpec cluster, List<TopicSpec> topics, LiveTopic... live) {
        TreeMap<String, TopicSpec> desiredTopics = new TreeMap<>();
        topics.forEach(t -> desiredTopics.put(t.name(), t));
        TreeMap<String, LiveTopic> liveTopics = new TreeMap<>();
        for (LiveTopic t : live) liveTopics.put(t.name(), t);
        LiveState kafka = new LiveState("x", new java.util.TreeSet<>(List.of(0, 1, 2)), liveTopics, new TreeMap<>(), List.of(),
                false, new TreeMap<>(), new TreeMap<>(), 3);
        DesiredState desired = new DesiredState("c1", desiredTopics, new TreeMap<>(), Optional.of(cluster));
        return new Planner().plan(desired, Optional.of(kafka), owning(topics.stream().map(TopicSpec::name).toArray(String[]::new)),
                policy, header(), Optional.of(KubePlannerTest.liveFrom(THREE)), "id");
    }

    @Test
    void aLeavingBrokersReplicasMoveToTheBrokersThatStayBeforeAnyOfItsObjectsGo() {
        // internal and unmanaged topics too: the broker goes, whoever owns its data
        Plan plan = plan(brokers(2), List.of(Fixtures.spec("t", 3, 2, Map.of())), live("t", 3, 2, 3, Map.of()),
                live("__consumer_offsets", 4, 2, 3, Map.of()));
        assertThat(plan.refusals()).isEmpty();
        List<Step> moves = plan.steps().stream().filter(s -> s.change() instanceof Change.MoveReplicas).toList();
        assertThat(moves).extracting(Step::id).containsExactly("move-replicas:__consumer_offsets", "move-replicas:t");
        for (Step m : moves) {
            assertThat(((Change.MoveReplicas) m.change()).assignment().values())
                    .allSatisfy(replicas -> assertThat(replicas).hasSize(2).doesNotHaveDuplicates().doesNotContain(2));
        }
        var t = ((Change.MoveReplicas) moves.get(1).change()).assignment();
        assertThat(t).containsOnlyKeys(1, 2); // t-0 is on brokers 0 and 1 already
        assertThat(t.get(1).get(0)).as("the preferred leader stays").isEqualTo(1);
        Step pod = plan.steps().stream().filter(s -> s.change() instanceof Change.DeleteKubeObject d
                && d.objectKind().equals("Pod") && d.name().equals("c1-brokers-2")).findFirst().orElseThrow();
        assertThat(pod.dependsOn()).containsExactlyInAnyOrder("move-replicas:__consumer_offsets", "move-replicas:t");
        assertThat(plan.steps()).filteredOn(s -> s.change() instanceof Change.DeleteKubeObject d && !d.objectKind().equals("Pod")
                && d.name().contains("brokers-2")).allSatisfy(s -> assertThat(s.dependsOn()).containsExactly(pod.id()));
    }

    @Test
    void aPartitionTheStayingBrokersCannotHoldIsRefusedAndNothingOfTheNodeChanges() {
        Plan plan = plan(brokers(2), List.of(), live("wide", 2, 3, 3, Map.of()));
        assertThat(plan.refusals()).anySatisfy(r -> assertThat(r.reason()).contains("the 2 broker(s) that stay cannot hold the"
                + " replication factor of 2 partition(s) (wide-0, wide-1)", "lower those topics' replicas"));
        assertThat(plan.isRefused()).isTrue();
    }

    @Test
    void lowerReplicasInTheSameCommitEmptyTheLeavingBrokerBeforeItGoes() {
        Plan plan = plan(brokers(2), List.of(Fixtures.spec("t", 3, 2, Map.of())), live("t", 3, 3, 3, Map.of()));
        assertThat(plan.refusals()).isEmpty();
        Step move = plan.steps().stream().filter(s -> s.id().equals("change-replication-factor:t")).findFirst().orElseThrow();
        var assignment = ((Change.ChangeReplicationFactor) move.change()).assignment();
        assertThat(assignment.values()).allSatisfy(replicas -> assertThat(replicas).hasSize(2).doesNotContain(2));
        Step removal = plan.steps().stream().filter(s -> s.change() instanceof Change.DeleteKubeObject d
                && d.name().equals("c1-brokers-2")).findFirst().orElseThrow();
        assertThat(removal.dependsOn()).containsExactly(move.id());
        assertThat(plan.steps().indexOf(removal)).isGreaterThan(plan.steps().indexOf(move));
    }

    @Test
    void newReplicasNeverGoToALeavingBroker() {
        Plan plan = plan(brokers(2), List.of(Fixtures.spec("u", 4, 2, Map.of())), live("u", 4, 1, 2, Map.of()));
        Step move = plan.steps().stream().filter(s -> s.id().equals("change-replication-factor:u")).findFirst().orElseThrow();
        assertThat(((Change.ChangeReplicationFactor) move.change()).assignment().values())
                .allSatisfy(replicas -> assertThat(replicas).containsExactlyInAnyOrder(0, 1));
    }

    @Test
    void topicsMustFitOnTheBrokersThatStay() {
        Plan plan = plan(brokers(2), List.of(Fixtures.spec("new", 1, 3, Map.of())));
        assertThat(plan.refusals()).anySatisfy(r -> assertThat(r.reason())
                .contains("replicas 3 is more than the 2 live broker(s) that stay (broker(s) [2] are being removed)"));
    }

    @Test
    void topicsInTheSameCommitMayUseBrokersThePlanStarts() {
        Plan plan = plan(brokers(4), List.of(Fixtures.spec("wide", 2, 4, Map.of()), Fixtures.spec("grown", 2, 4, Map.of())),
                live("grown", 2, 3, 3, Map.of()));
        assertThat(plan.refusals()).isEmpty();
        assertThat(plan.steps()).extracting(Step::id).contains("create-pod:c1-brokers-6", "create-topic:wide");
        Step move = plan.steps().stream().filter(s -> s.id().equals("change-replication-factor:grown")).findFirst().orElseThrow();
        assertThat(((Change.ChangeReplicationFactor) move.change()).assignment().values())
                .allSatisfy(replicas -> assertThat(replicas).containsExactlyInAnyOrder(0, 1, 2, 6));
        assertThat(plan.steps().indexOf(move)).isGreaterThan(plan.steps().indexOf(plan.steps().stream()
                .filter(s -> s.id().equals("create-pod:c1-brokers-6")).findFirst().orElseThrow()));
    }

    @Test
    void topicsAndPartitionsCreatedWhileABrokerLeavesArePlacedOnTheBrokersThatStay() {
        Plan plan = plan(brokers(2), List.of(Fixtures.spec("fresh", 4, 2, Map.of()), Fixtures.spec("grows", 4, 1, Map.of())),
                live("grows", 2, 1, 2, Map.of()));
        var create = (Change.CreateTopic) plan.steps().stream().filter(s -> s.id().equals("create-topic:fresh")).findFirst()
                .orElseThrow().change();
        assertThat(create.assignment()).hasSize(4).allSatisfy(r -> assertThat(r).hasSize(2).doesNotHaveDuplicates().doesNotContain(2));
        var increase = (Change.IncreasePartitions) plan.steps().stream().filter(s -> s.id().equals("increase-partitions:grows"))
                .findFirst().orElseThrow().change();
        assertThat(increase.newReplicas()).hasSize(2).allSatisfy(r -> assertThat(r).hasSize(1).doesNotContain(2));
    }

    @Test
    void whileGitDoesNotAnswerNothingIsDeletedNorDrained() {
        Plan plan = plan(Policy.defaults(false).whileGitIsDown(), brokers(2), List.of(Fixtures.spec("t", 3, 2, Map.of())),
                live("t", 3, 2, 3, Map.of()));
        assertThat(plan.steps()).noneMatch(s -> s.change() instanceof Change.DeleteKubeObject || s.change() instanceof Change.MoveReplicas);
        assertThat(plan.notes()).anyMatch(n -> n.contains("Git does not answer: the nodes Git removed (c1-brokers-2) stay"));
    }

    /** A broker pool and a dual-role pool; {@code mixedRoles} are the second pool's roles in Git. */
    private static ClusterSpec mixed(String mixedRoles) {
        return KubePlannerTest.spec("", KubePlannerTest.POOLS.replace("name: controllers,", "name: mixed,")
                .replace("roles: [controller]", "roles: " + mixedRoles));
    }

    private static Plan roleChange(LiveTopic... live) {
        TreeMap<String, LiveTopic> topics = new TreeMap<>();
        for (LiveTopic t : live) topics.put(t.name(), t);
        LiveState kafka = new LiveState("x", new java.util.TreeSet<>(List.of(0, 1, 2, 3, 4, 5)), topics, new TreeMap<>(),
                List.of(), false, new TreeMap<>(), new TreeMap<>(), 3);
        DesiredState desired = new DesiredState("c1", new TreeMap<>(), new TreeMap<>(), Optional.of(mixed("[controller]")));
        return new Planner().plan(desired, Optional.of(kafka), owning(), Policy.defaults(false), header(),
                Optional.of(KubePlannerTest.liveFrom(mixed("[broker, controller]"))), "id");
    }

    @Test
    void aNodeThatStopsBeingABrokerIsDrainedFirstAndRestartsAfter() {
        // t's replicas are on nodes 3 and 4 (dual-role): they must move to 0-2 before 3 and 4 restart as controllers only
        LiveTopic t = new LiveTopic("t", List.of(new io.kgr.observe.LivePartition(0, 3, List.of(3, 4), List.of(3, 4))),
                new TreeMap<>());
        Plan plan = roleChange(t);
        assertThat(plan.refusals()).isEmpty();
        Step move = plan.steps().stream().filter(s -> s.id().equals("move-replicas:t")).findFirst().orElseThrow();
        assertThat(((Change.MoveReplicas) move.change()).assignment().get(0)).hasSize(2).allMatch(id -> id < 3);
        assertThat(plan.steps()).filteredOn(s -> s.phase() == Phase.ROLLS).extracting(s -> s.change().subject())
                .as("no plain roll of a node that loses its broker role").noneMatch(n -> n.startsWith("c1-mixed-"));
        for (String node : List.of("c1-mixed-3", "c1-mixed-4")) {
            Step roll = plan.steps().stream().filter(s -> s.id().equals("roll-pod:" + node)).findFirst().orElseThrow();
            assertThat(roll.phase()).isEqualTo(Phase.PRUNE);
            assertThat(roll.dependsOn()).contains(move.id());
            assertThat(((Change.RollPod) roll.change()).broker()).as("checked as a broker before it restarts").isTrue();
        }
    }

    @Test
    void aNodeThatStopsBeingABrokerIsRefusedWhenTheOthersCannotHoldItsReplicas() {
        LiveTopic wide = new LiveTopic("wide", List.of(new io.kgr.observe.LivePartition(0, 3, List.of(0, 1, 2, 3),
                List.of(0, 1, 2, 3))), new TreeMap<>());
        Plan plan = roleChange(wide);
        assertThat(plan.isRefused()).isTrue();
        assertThat(plan.refusals()).anySatisfy(r -> assertThat(r.reason()).contains("cannot hold the replication factor"));
    }

    @Test
    void aPoolThatVanishedFromGitIsRefusedUnlessTheOperatorConsents() {
        // the brokers pool's manifest is gone (deleted, renamed, or its label mistyped): its 3 brokers run
        ClusterSpec replaced = KubePlannerTest.spec("", KubePlannerTest.POOLS.replace("name: brokers,", "name: others,"));
        DesiredState desired = new DesiredState("c1", new TreeMap<>(), new TreeMap<>(), Optional.of(replaced));
        LiveState kafka = new LiveState("x", new java.util.TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), new TreeMap<>(),
                List.of(), false, new TreeMap<>(), new TreeMap<>(), 3);
        for (boolean consent : List.of(false, true)) {
            Plan plan = new Planner().plan(desired, Optional.of(kafka), owning(), Policy.defaults(false).withNodeRemoval(consent),
                    header(), Optional.of(KubePlannerTest.liveFrom(THREE)), "id");
            var removals = plan.steps().stream().filter(s -> s.change() instanceof Change.DeleteKubeObject d
                    && d.objectKind().equals("Pod")).toList();
            if (!consent) {
                assertThat(plan.refusals()).anySatisfy(r -> assertThat(r.reason()).contains("node pool brokers is no longer"
                        + " in Git, but its 3 node(s) run", "scale it to replicas: 0 first", "--allow-node-removal"));
                assertThat(removals).isEmpty();
            } else {
                assertThat(plan.refusals()).noneMatch(r -> r.kind().equals("KafkaNodePool"));
                assertThat(removals).extracting(st -> st.change().subject()).containsExactly("Pod/c1-brokers-0",
                        "Pod/c1-brokers-1", "Pod/c1-brokers-2");
            }
        }
    }
}

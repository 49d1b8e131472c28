package io.kgr.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.kgr.desired.DesiredState;
import io.kgr.desired.TopicSpec;
import io.kgr.observe.LivePartition;
import io.kgr.observe.LiveState;
import io.kgr.observe.LiveTopic;

/**
 * The rule that keeps a node's data safe, checked on many generated plans rather than in one code path: a broker's pod
 * is removed only after every move that takes a replica off it, only when no replica is left on it once the plan has
 * run, and a node's ConfigMap and volumes go only after its pod.
 */
class PlanInvariantsTest {
    @Test
    void noObjectOfANodeGoesWhileItsBrokerMayStillHoldData() {
        Random random = new Random(20261201);
        int removals = 0;
        int refused = 0;
        int topicDeletions = 0;
        for (int run = 0; run < 300; run++) {
            TreeMap<String, LiveTopic> live = new TreeMap<>();
            TreeMap<String, TopicSpec> desired = new TreeMap<>();
            List<String> owned = new ArrayList<>();
            boolean prune = random.nextBoolean();
            int topics = 1 + random.nextInt(6);
            for (int t = 0; t < topics; t++) {
                String name = (random.nextInt(4) == 0 ? "__internal" : "t") + t;
                int rf = 1 + random.nextInt(3);
                List<LivePartition> partitions = new ArrayList<>();
                int count = 1 + random.nextInt(5);
                for (int p = 0; p < count; p++) {
                    List<Integer> replicas = new ArrayList<>(List.of(0, 1, 2));
                    Collections.shuffle(replicas, random);
                    replicas = List.copyOf(replicas.subList(0, rf));
                    partitions.add(new LivePartition(p, replicas.get(0), replicas, replicas));
                }
                live.put(name, new LiveTopic(name, partitions, new TreeMap<>()));
                if (!name.startsWith("__") && random.nextInt(5) == 0) {
                    owned.add(name); // kgr owns it, and Git no longer declares it: with pruning on, it is deleted
                } else if (!name.startsWith("__")) {
                    owned.add(name);
                    // Git may lower, keep or raise the replication factor in the same commit
                    int wanted = Math.max(1, Math.min(3, rf + random.nextInt(3) - 1));
                    desired.put(name, Fixtures.spec(name, count, wanted, Map.of()));
                }
            }
            int keep = 1 + random.nextInt(2);
            LiveState kafka = new LiveState("x", new TreeSet<>(List.of(0, 1, 2)), live, new TreeMap<>(), List.of(), false,
                    new TreeMap<>(), new TreeMap<>(), 3);
            Plan plan = new Planner().plan(new DesiredState("c1", desired, new TreeMap<>(), Optional.of(ScaleDownPlanTest.brokers(keep))),
                    Optional.of(kafka), Fixtures.owning(owned.toArray(String[]::new)),
                    Policy.defaults(prune).withMassPrune(true, 100),
                    Fixtures.header(), Optional.of(KubePlannerTest.liveFrom(ScaleDownPlanTest.THREE)), "id");
            if (plan.isRefused()) refused++;
            if (plan.steps().stream().anyMatch(st -> st.change() instanceof Change.DeleteTopic)) topicDeletions++;
            removals += check(plan, live);
            List<Step> shuffled = new ArrayList<>(plan.steps());
            Collections.shuffle(shuffled, random);
            assertThat(Plan.ordered(shuffled)).as("the order is the plan's data, not the planner's").isEqualTo(plan.steps());
        }
        assertThat(removals).as("the generator removes brokers").isGreaterThan(50);
        assertThat(refused).as("and sometimes cannot").isGreaterThan(0);
        assertThat(topicDeletions).as("and prunes topics in the same plan as it drains brokers").isGreaterThan(20);
    }

    /** Returns how many broker pods the plan removes. */
    private static int check(Plan plan, Map<String, LiveTopic> live) {
        assertOrdered(plan);
        Map<String, Step> byId = new HashMap<>();
        plan.steps().forEach(s -> byId.put(s.id(), s));
        // the replicas of every partition once all of the plan's moves have run
        Map<String, List<Integer>> after = new HashMap<>();
        live.forEach((topic, t) -> t.partitions().forEach(p -> after.put(topic + "-" + p.partition(), p.replicas())));
        for (Step s : plan.steps()) {
            if (s.change() instanceof Change.Reassignment r) {
                r.assignment().forEach((p, replicas) -> after.put(r.topic() + "-" + p, replicas));
            }
        }
        int removed = 0;
        for (Step s : plan.steps()) {
            if (!(s.change() instanceof Change.DeleteKubeObject d)) continue;
            String node = d.name().replaceAll("^(.*-\\d+).*$", "$1");
            if (d.objectKind().equals("Pod") && d.name().contains("-brokers-")) {
                removed++;
                int id = Integer.parseInt(d.name().substring(d.name().lastIndexOf('-') + 1));
                assertThat(after.entrySet()).as("no replica left on broker %d after %s", id, plan.steps())
                        .noneMatch(e -> e.getValue().contains(id));
                Set<String> movingOff = new TreeSet<>();
                for (Step m : plan.steps()) {
                    if (!(m.change() instanceof Change.Reassignment r)) continue;
                    boolean had = live.containsKey(r.topic()) && live.get(r.topic()).partitions().stream()
                            .anyMatch(p -> p.replicas().contains(id));
                    if (had) movingOff.add(m.id());
                }
                assertThat(dependsTransitively(s, byId)).as("the removal of %s waits for every move off it", d.name())
                        .containsAll(movingOff);
            } else if (d.objectKind().equals("ConfigMap") || d.objectKind().equals("PersistentVolumeClaim")
                    || d.objectKind().equals("Secret")) {
                assertThat(dependsTransitively(s, byId)).as("%s %s goes after its pod", d.objectKind(), d.name())
                        .contains(Step.idOf(new Change.DeleteKubeObject("Pod", node)));
            }
        }
        return removed;
    }

    /**
     * The rule that keeps users able to log in and do their work, on many generated plans: a credential or an ACL of a
     * user Git still declares is removed only after what replaces it (the new mechanism's credential, the new
     * principal's ACLs) is planned before it and depended on, so a failed replacement never leaves the user with less.
     */
    @Test
    void nothingAUserStillNeedsGoesBeforeItsReplacement() {
        Random random = new Random(20261207);
        List<String> mechanisms = List.of("SCRAM-SHA-256", "SCRAM-SHA-512", "");
        int replacements = 0;
        for (int run = 0; run < 300; run++) {
            TreeMap<String, io.kgr.desired.UserSpec> desired = new TreeMap<>();
            TreeMap<String, io.kgr.inventory.ManagedUser> owned = new TreeMap<>();
            TreeMap<String, java.util.SortedSet<String>> scram = new TreeMap<>();
            List<io.kgr.model.AclRule> acls = new ArrayList<>();
            for (int u = 0; u < 1 + random.nextInt(4); u++) {
                String name = "u" + u;
                String was = mechanisms.get(random.nextInt(3));
                String now = mechanisms.get(random.nextInt(3));
                String oldPrincipal = was.isEmpty() ? "User:CN=" + name : "User:" + name;
                String newPrincipal = now.isEmpty() ? "User:CN=" + name : "User:" + name;
                io.kgr.model.AclRule oldAcl = new io.kgr.model.AclRule(oldPrincipal, "*", "READ", "ALLOW", "TOPIC", "t", "LITERAL");
                io.kgr.model.AclRule newAcl = new io.kgr.model.AclRule(newPrincipal, "*", "READ", "ALLOW", "TOPIC", "t", "LITERAL");
                owned.put(name, new io.kgr.inventory.ManagedUser(oldPrincipal, was, "", List.of(oldAcl), new TreeSet<>()));
                if (!was.isEmpty() && random.nextInt(5) > 0) scram.put(name, new TreeSet<>(List.of(was)));
                if (random.nextInt(5) > 0) acls.add(oldAcl);
                desired.put(name, new io.kgr.desired.UserSpec(name, newPrincipal, now.isEmpty() ? "tls" : "scram-sha-512",
                        now.isEmpty() ? Optional.empty() : Optional.of(now),
                        now.isEmpty() ? Optional.empty() : Optional.of(new io.kgr.model.SecretRef(name, "password")),
                        now.isEmpty() ? Optional.empty() : Optional.of(new io.kgr.model.Secret("p-" + name, "v1")),
                        List.of(newAcl), new TreeMap<>(), new io.kgr.manifest.Location(name + ".yaml", 1, 1)));
            }
            LiveState live = new LiveState("x", new TreeSet<>(List.of(0)), new TreeMap<>(), scram, acls, true, new TreeMap<>());
            Plan plan = new Planner().plan(new DesiredState("c1", new TreeMap<>(), desired), live,
                    new io.kgr.inventory.Inventories(new io.kgr.inventory.Inventory("c1", "repo-a", "abc", Fixtures.T0,
                            new TreeMap<>(), owned), List.of(), "v"), Policy.defaults(random.nextBoolean()), Fixtures.header());
            assertOrdered(plan);
            Map<String, Step> byId = new HashMap<>();
            plan.steps().forEach(st -> byId.put(st.id(), st));
            for (Step st : plan.steps()) {
                String user = st.change() instanceof Change.DeleteScramCredential dc ? dc.user()
                        : st.change() instanceof Change.DeleteAcls da ? da.user() : null;
                if (user == null || !desired.containsKey(user)) continue;
                // what replaces it: the user's new credential, or the ACLs of its new principal
                List<String> replacing = plan.steps().stream().filter(r -> st.change() instanceof Change.DeleteScramCredential
                        ? r.change() instanceof Change.UpsertScramCredential up && up.user().equals(user)
                        : r.change() instanceof Change.CreateAcls ca && ca.user().equals(user)
                                && !((Change.DeleteAcls) st.change()).acls().stream()
                                        .allMatch(a -> a.principal().equals(desired.get(user).principal())))
                        .map(Step::id).toList();
                if (!replacing.isEmpty()) replacements++;
                assertThat(dependsTransitively(st, byId)).as("%s waits for %s", st.id(), replacing).containsAll(replacing);
            }
        }
        assertThat(replacements).as("the generator replaces credentials and principals").isGreaterThan(50);
    }

    /** Phases never go back, and every step depends only on steps before it. */
    static void assertOrdered(Plan plan) {
        Set<String> before = new TreeSet<>();
        Phase phase = Phase.values()[0];
        for (Step s : plan.steps()) {
            assertThat(s.phase()).as("phase of %s", s.id()).isGreaterThanOrEqualTo(phase);
            assertThat(before).as("what %s depends on comes before it", s.id()).containsAll(s.dependsOn());
            before.add(s.id());
            phase = s.phase();
        }
    }

    @Test
    void aPlanWhoseOrderIsBrokenCannotBeMade() {
        Step create = step(Phase.TOPICS, new Change.CreateTopic("a", 1, 1, new TreeMap<>()));
        Step delete = step(Phase.PRUNE, new Change.DeleteTopic("b", 1));
        Step inventory = step(Phase.INVENTORY, new Change.UpdateInventory("c", "s", "x", new TreeMap<>(), new TreeMap<>()));
        assertThat(new Plan(Fixtures.header(), List.of(create, delete, inventory), List.of(), List.of(), List.of()).steps())
                .hasSize(3);
        assertThatThrownBy(() -> new Plan(Fixtures.header(), List.of(delete, create), List.of(), List.of(), List.of()))
                .hasMessageContaining("comes after a PRUNE step");
        Step early = new Step("delete-topic:b", Phase.PRUNE, delete.change(), Risk.DESTRUCTIVE, List.of(), "",
                List.of("update-inventory:c/s"));
        assertThatThrownBy(() -> new Plan(Fixtures.header(), List.of(early, inventory), List.of(), List.of(), List.of()))
                .hasMessageContaining("not an earlier step");
        Step nowhere = new Step("delete-topic:b", Phase.PRUNE, delete.change(), Risk.DESTRUCTIVE, List.of(), "",
                List.of("create-topic:nowhere"));
        assertThatThrownBy(() -> new Plan(Fixtures.header(), List.of(nowhere), List.of(), List.of(), List.of()))
                .hasMessageContaining("not an earlier step");
        assertThatThrownBy(() -> new Plan(Fixtures.header(), List.of(create, create), List.of(), List.of(), List.of()))
                .hasMessageContaining("two steps have the id create-topic:a");
    }

    @Test
    void whereDependenciesLeaveAChoiceStepsGoByPhaseKindAndSubject() {
        Step createB = step(Phase.TOPICS, new Change.CreateTopic("b", 1, 1, new TreeMap<>()));
        Step createA = step(Phase.TOPICS, new Change.CreateTopic("a", 1, 1, new TreeMap<>()));
        Step alterA = step(Phase.TOPICS, new Change.AlterTopicConfig("a", new TreeMap<>(Map.of("retention.ms", "1")), new TreeSet<>()));
        Step deleteC = step(Phase.PRUNE, new Change.DeleteTopic("c", 1));
        // a dependency outranks the kind: the creation of z waits for the alter of a
        Step createZ = new Step("create-topic:z", Phase.TOPICS, new Change.CreateTopic("z", 1, 1, new TreeMap<>()),
                Risk.SAFE, List.of(), "", List.of(alterA.id()));
        assertThat(Plan.ordered(List.of(deleteC, createZ, alterA, createB, createA)).stream().map(Step::id))
                .containsExactly("create-topic:a", "create-topic:b", "alter-topic-config:a", "create-topic:z",
                        "delete-topic:c");
    }

    private static Step step(Phase phase, Change change) {
        return new Step(Step.idOf(change), phase, change, Risk.SAFE, List.of(), "", List.of());
    }

    private static Set<String> dependsTransitively(Step s, Map<String, Step> byId) {
        Set<String> out = new TreeSet<>();
        List<String> todo = new ArrayList<>(s.dependsOn());
        while (!todo.isEmpty()) {
            String id = todo.remove(todo.size() - 1);
            if (!out.add(id)) continue;
            Step d = byId.get(id);
            if (d != null) todo.addAll(d.dependsOn());
        }
        return out;
    }
}

package io.kgr.plan;

import static org.assertj.core.api.Assertions.assertThat;

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
        for (int run = 0; run < 300; run++) {
            TreeMap<String, LiveTopic> live = new TreeMap<>();
            TreeMap<String, TopicSpec> desired = new TreeMap<>();
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
                if (!name.startsWith("__")) {
                    // Git may lower, keep or raise the replication factor in the same commit
                    int wanted = Math.max(1, Math.min(3, rf + random.nextInt(3) - 1));
                    desired.put(name, Fixtures.spec(name, count, wanted, Map.of()));
                }
            }
            int keep = 1 + random.nextInt(2);
            LiveState kafka = new LiveState("x", new TreeSet<>(List.of(0, 1, 2)), live, new TreeMap<>(), List.of(), false,
                    new TreeMap<>(), new TreeMap<>(), 3);
            Plan plan = new Planner().plan(new DesiredState("c1", desired, new TreeMap<>(), Optional.of(ScaleDownPlanTest.brokers(keep))),
                    Optional.of(kafka), Fixtures.owning(desired.keySet().toArray(String[]::new)), Policy.defaults(false),
                    Fixtures.header(), Optional.of(KubePlannerTest.liveFrom(ScaleDownPlanTest.THREE)), "id");
            if (plan.isRefused()) refused++;
            removals += check(plan, live);
        }
        assertThat(removals).as("the generator removes brokers").isGreaterThan(100);
        assertThat(refused).as("and sometimes cannot").isGreaterThan(0);
    }

    /** Returns how many broker pods the plan removes. */
    private static int check(Plan plan, Map<String, LiveTopic> live) {
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
            } else if (d.objectKind().equals("ConfigMap") || d.objectKind().equals("PersistentVolumeClaim")) {
                assertThat(dependsTransitively(s, byId)).as("%s %s goes after its pod", d.objectKind(), d.name())
                        .contains(Step.idOf(new Change.DeleteKubeObject("Pod", node)));
            }
        }
        return removed;
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

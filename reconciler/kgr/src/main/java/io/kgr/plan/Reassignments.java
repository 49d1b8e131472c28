package io.kgr.plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.kgr.observe.LivePartition;

/**
 * The replica moves a plan makes (its replication-factor changes), so that later phases can judge the cluster as it
 * will be: a broker that the plan's reassignments empty may be removed in the same plan, after them.
 */
final class Reassignments {
    private final Map<String, Step> byTopic = new TreeMap<>();

    static Reassignments of(Plan plan) {
        Reassignments out = new Reassignments();
        for (Step s : plan.steps()) {
            if (s.change() instanceof Change.ChangeReplicationFactor c) out.byTopic.put(c.topic(), s);
        }
        return out;
    }

    /** The same, with the moves that drain leaving brokers (one step per topic, after any RF change of it). */
    Reassignments with(List<Step> drains) {
        Reassignments out = new Reassignments();
        out.byTopic.putAll(byTopic);
        for (Step s : drains) {
            if (s.change() instanceof Change.MoveReplicas c) out.byTopic.put(c.topic(), s);
        }
        return out;
    }

    static Reassignments none() {
        return new Reassignments();
    }

    /** The partition's replicas once the plan has run. */
    List<Integer> replicasAfter(String topic, LivePartition p) {
        Step s = byTopic.get(topic);
        if (s == null) return p.replicas();
        List<Integer> after = ((Change.Reassignment) s.change()).assignment().get(p.partition());
        return after == null ? p.replicas() : after;
    }

    /** The step that moves the topic's replicas, if the plan moves them. */
    Optional<String> stepMoving(String topic) {
        return Optional.ofNullable(byTopic.get(topic)).map(Step::id);
    }
}

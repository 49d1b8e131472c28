package io.kgr.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kgr.inventory.Moves;
import io.kgr.observe.LiveState;
import io.kgr.observe.LiveTopic;

/**
 * kgr's own replica moves that outlived the run that started them (see {@link Moves}): which partitions are still
 * moving, how far they are, and — once none is — the step that removes the throttles they kept.
 */
final class KgrMoves {
    private KgrMoves() {
    }

    /** The partitions of the records that the brokers are still moving: topic → partitions. */
    static Map<String, Set<Integer>> inFlight(List<Moves> records, LiveState live) {
        Map<String, Set<Integer>> out = new TreeMap<>();
        for (Moves m : records) {
            m.partitions().forEach((topic, partitions) -> {
                LiveTopic t = live.topics().get(topic);
                if (t == null) return;
                for (int p : partitions) {
                    if (t.reassigning().containsKey(p)) out.computeIfAbsent(topic, k -> new TreeSet<>()).add(p);
                }
            });
        }
        return out;
    }

    /** The nodes that records whose moves still run are emptying. */
    static Set<Integer> draining(List<Moves> records, LiveState live) {
        Set<Integer> out = new TreeSet<>();
        for (Moves m : records) if (!inFlight(List.of(m), live).isEmpty()) out.addAll(m.off());
        return out;
    }

    /** What the plan says of each record whose moves are still running: how many partitions, off which nodes. */
    static List<String> progress(List<Moves> records, LiveState live) {
        List<String> out = new ArrayList<>();
        for (Moves m : records) {
            int moving = inFlight(List.of(m), live).values().stream().mapToInt(Set::size).sum();
            if (moving == 0) continue;
            int total = m.partitionCount();
            out.add("kgr's moves of source " + m.source() + " (started " + m.startedAt() + ")"
                    + (m.off().isEmpty() ? "" : ", emptying node(s) " + m.off()) + ": " + (total - moving) + " of " + total
                    + " partition(s) done (" + (100 * (total - moving) / Math.max(1, total)) + " %), " + moving
                    + " still moving; their throttles stay until they are done, and other changes go on meanwhile");
        }
        return out;
    }

    /** The step that removes the throttles of this source's moves, once none of them is moving any more. */
    static Optional<Step> cleanup(List<Moves> records, String source, LiveState live) {
        for (Moves m : records) {
            if (!m.source().equals(source) || !inFlight(List.of(m), live).isEmpty()) continue;
            TreeMap<String, List<String>> brokers = new TreeMap<>();
            TreeMap<String, List<String>> topics = new TreeMap<>();
            List<FieldChange> fields = new ArrayList<>();
            for (Moves.Throttle t : m.throttles()) {
                (t.type().equals("broker") ? brokers : topics).merge(t.name(), t.keys(), (a, b) -> {
                    SortedSet<String> both = new TreeSet<>(a);
                    both.addAll(b);
                    return List.copyOf(both);
                });
                t.keys().forEach(k -> fields.add(FieldChange.of(t.type() + " " + t.name() + " " + k, "(set by kgr)", null)));
            }
            var change = new Change.RemoveThrottles(source, brokers, topics);
            return Optional.of(new Step(Step.idOf(change), Phase.TOPICS, change, Risk.SAFE, fields,
                    "kgr's moves of " + m.partitionCount() + " partition(s), started " + m.startedAt() + ", are done:"
                            + " the replication throttles they kept go, and with them kgr's record of the moves",
                    List.of()));
        }
        return Optional.empty();
    }
}

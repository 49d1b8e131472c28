package io.kgr.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.kgr.observe.LivePartition;
import io.kgr.observe.LiveState;
import io.kgr.observe.LiveTopic;

/**
 * Deterministic replica placement for replication-factor changes. Existing replicas stay where they are (the first,
 * the preferred leader, never moves); added replicas go to the least-loaded brokers, where the starting broker
 * rotates with the partition number so that new followers spread; removed replicas come off the most-loaded brokers.
 * Load is the number of replicas a broker holds across the whole cluster, updated as the plan assigns. Brokers that
 * the same plan removes (a node pool scale-down) get no new replicas and lose theirs first when a partition shrinks;
 * brokers that it starts (scale-up) take replicas like the others.
 */
final class ReplicaAssigner {
    private final List<Integer> brokers;
    private final Set<Integer> leaving;
    private final Map<Integer, Integer> load = new HashMap<>();

    /** @param brokers the brokers replicas may go to: the live ones that stay, and those the same plan starts */
    ReplicaAssigner(LiveState live, SortedSet<Integer> brokers) {
        this.brokers = new ArrayList<>(brokers);
        this.leaving = live.brokers().stream().filter(b -> !brokers.contains(b)).collect(Collectors.toSet());
        for (int b : live.brokers()) load.put(b, 0);
        for (int b : brokers) load.put(b, 0);
        for (LiveTopic t : live.topics().values()) {
            for (LivePartition p : t.partitions()) {
                for (int r : p.replicas()) load.merge(r, 1, Integer::sum);
            }
        }
    }

    SortedMap<Integer, List<Integer>> reassign(LiveTopic topic, int replicas) {
        SortedMap<Integer, List<Integer>> out = new TreeMap<>();
        for (LivePartition p : topic.partitions()) {
            List<Integer> target = new ArrayList<>(p.replicas());
            while (target.size() < replicas) {
                int added = pick(target, p.partition());
                target.add(added);
                load.merge(added, 1, Integer::sum);
            }
            while (target.size() > replicas) {
                int removed = target.stream().filter(leaving::contains).findFirst()
                        .orElseGet(() -> target.subList(1, target.size()).stream()
                                .max(Comparator.<Integer>comparingInt(b -> load.getOrDefault(b, 0)).thenComparingInt(b -> b))
                                .orElseThrow());
                target.remove(Integer.valueOf(removed));
                load.merge(removed, -1, Integer::sum);
            }
            out.put(p.partition(), List.copyOf(target));
        }
        return out;
    }

    /**
     * The partitions of {@code topic} that still have a replica on a leaving broker once {@code after} (this plan's own
     * moves) has run, each with a leaving replica replaced in place by a staying broker — the replication factor and
     * the other replicas' order (the preferred leader) stay. Empty when none is affected; a partition whose
     * replication factor the staying brokers cannot hold is left out and named in {@code cannot}.
     */
    SortedMap<Integer, List<Integer>> drain(LiveTopic topic, Function<LivePartition, List<Integer>> after,
                                            List<String> cannot) {
        SortedMap<Integer, List<Integer>> out = new TreeMap<>();
        for (LivePartition p : topic.partitions()) {
            List<Integer> now = after.apply(p);
            if (now.stream().noneMatch(leaving::contains)) continue;
            if (now.size() > brokers.size()) {
                cannot.add(topic.name() + "-" + p.partition());
                continue;
            }
            List<Integer> target = new ArrayList<>(now);
            for (int i = 0; i < target.size(); i++) {
                int b = target.get(i);
                if (!leaving.contains(b)) continue;
                int added = pick(target, p.partition());
                target.set(i, added);
                load.merge(added, 1, Integer::sum);
                load.merge(b, -1, Integer::sum);
            }
            out.put(p.partition(), List.copyOf(target));
        }
        return out;
    }

    /** Replicas for {@code count} new partitions numbered from {@code first}, {@code rf} each, on the allowed brokers. */
    List<List<Integer>> place(int first, int count, int rf) {
        List<List<Integer>> out = new ArrayList<>();
        for (int p = first; p < first + count; p++) {
            List<Integer> replicas = new ArrayList<>();
            while (replicas.size() < rf) {
                int b = pick(replicas, p);
                replicas.add(b);
                load.merge(b, 1, Integer::sum);
            }
            out.add(List.copyOf(replicas));
        }
        return out;
    }

    private int pick(List<Integer> taken, int partition) {
        int n = brokers.size();
        int best = -1;
        for (int i = 0; i < n; i++) {
            int b = brokers.get((partition + i) % n);
            if (taken.contains(b)) continue;
            if (best < 0 || load.get(b) < load.get(best)) best = b;
        }
        if (best < 0) throw new IllegalStateException("not enough brokers for " + (taken.size() + 1) + " replicas");
        return best;
    }

}

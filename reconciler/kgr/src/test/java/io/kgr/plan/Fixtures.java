package io.kgr.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kgr.desired.DesiredState;
import io.kgr.desired.TopicSpec;
import io.kgr.manifest.Location;
import io.kgr.observe.LivePartition;
import io.kgr.observe.LiveState;
import io.kgr.observe.LiveTopic;
import io.kgr.inventory.Inventories;
import io.kgr.inventory.Inventory;

/** Plain in-memory values for planner and renderer tests. */
public final class Fixtures {
    public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private Fixtures() {
    }

    public static TopicSpec spec(String name, Integer partitions, Integer replicas, Map<String, String> config) {
        return new TopicSpec(name, name, "c1", partitions, replicas, new TreeMap<>(config),
                new Location("topics/" + name + ".yaml", 1, 1));
    }

    public static DesiredState desired(TopicSpec... topics) {
        TreeMap<String, TopicSpec> map = new TreeMap<>();
        for (TopicSpec t : topics) map.put(t.name(), t);
        return new DesiredState("c1", map);
    }

    /** A topic whose partition p has replicas starting at broker (p % brokers), rf consecutive brokers. */
    public static LiveTopic live(String name, int partitions, int rf, int brokers, Map<String, String> overrides) {
        List<LivePartition> ps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            List<Integer> replicas = new ArrayList<>();
            for (int r = 0; r < rf; r++) replicas.add((p + r) % brokers);
            ps.add(new LivePartition(p, replicas.get(0), replicas, replicas));
        }
        return new LiveTopic(name, ps, new TreeMap<>(overrides));
    }

    public static LiveState liveState(int brokers, LiveTopic... topics) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (int i = 0; i < brokers; i++) ids.add(i);
        TreeMap<String, LiveTopic> map = new TreeMap<>();
        for (LiveTopic t : topics) map.put(t.name(), t);
        return new LiveState("cluster-id", ids, map);
    }

    public static Inventories owning(String... topics) {
        TreeMap<String, String> map = new TreeMap<>();
        for (String t : topics) map.put(t, t);
        return new Inventories(new Inventory("c1", "repo-a", "abc", T0, map), List.of(), "v1");
    }

    public static Inventories owningWithOther(String otherSource, List<String> own, List<String> others) {
        TreeMap<String, String> mine = new TreeMap<>();
        own.forEach(t -> mine.put(t, t));
        TreeMap<String, String> theirs = new TreeMap<>();
        others.forEach(t -> theirs.put(t, t));
        return new Inventories(new Inventory("c1", "repo-a", "abc", T0, mine),
                List.of(new Inventory("c1", otherSource, "def", T0, theirs)), "v1");
    }

    public static PlanHeader header() {
        return new PlanHeader("repo-a", "git@example.com:platform/kafka.git", "main",
                "0123456789abcdef0123456789abcdef01234567", "c1", "kafka-0:9092", T0, "f00d");
    }
}

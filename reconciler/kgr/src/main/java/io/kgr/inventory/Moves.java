package io.kgr.inventory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import tools.jackson.databind.json.JsonMapper;

/**
 * Replica moves a source's apply started on a cluster, and the replication throttles it set for them: written to the
 * inventory topic before the first throttle is set, removed once the throttles are. A move outlives the run that
 * started it (a drain of a terabyte takes hours; serve waits minutes), and a kill or a lost lease can stop apply
 * between any two writes: with this record, later runs know the move in flight is kgr's own, wait for it without
 * blocking other changes, and remove exactly the throttles kgr set once it is done.
 *
 * @param startedAt  when the moves were started (ISO-8601)
 * @param partitions topic → the partitions moved
 * @param off        the nodes the moves empty (a drain), if any
 * @param throttles  the throttle settings kgr set, to remove once every move is done
 */
public record Moves(String cluster, String source, String startedAt, SortedMap<String, SortedSet<Integer>> partitions,
                    SortedSet<Integer> off, List<Throttle> throttles) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * One throttle setting kgr made.
     *
     * @param type {@code broker} or {@code topic}
     * @param name the broker id or the topic name
     * @param keys the config keys kgr set there
     */
    public record Throttle(String type, String name, List<String> keys) {
        public Throttle {
            keys = List.copyOf(keys);
        }
    }

    public Moves {
        TreeMap<String, SortedSet<Integer>> copy = new TreeMap<>();
        partitions.forEach((t, ps) -> copy.put(t, new TreeSet<>(ps)));
        partitions = copy;
        off = new TreeSet<>(off);
        throttles = List.copyOf(throttles);
    }

    /** How many partitions the moves cover. */
    public int partitionCount() {
        return partitions.values().stream().mapToInt(SortedSet::size).sum();
    }

    byte[] toJson() {
        return JSON.writeValueAsBytes(this);
    }

    static Moves fromJson(byte[] value) {
        return JSON.readValue(new String(value, StandardCharsets.UTF_8), Moves.class);
    }
}

package io.kgr.observe;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A topic as the broker has it: partitions (sorted by id) and its topic-level overrides only
 * ({@code DYNAMIC_TOPIC_CONFIG}; broker defaults are not the topic's own settings).
 */
public record LiveTopic(String name, List<LivePartition> partitions, SortedMap<String, String> overrides) {
    public LiveTopic {
        partitions = List.copyOf(partitions);
        overrides = Collections.unmodifiableSortedMap(new TreeMap<>(overrides));
    }

    public int partitionCount() {
        return partitions.size();
    }

    /** The replication factor: the largest replica list (they differ only during a reassignment). */
    public int replicationFactor() {
        return partitions.stream().mapToInt(p -> p.replicas().size()).max().orElse(0);
    }
}

package io.kgr.observe;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A topic as the broker has it: partitions (sorted by id) and its topic-level overrides only
 * ({@code DYNAMIC_TOPIC_CONFIG}; broker defaults are not the topic's own settings).
 * <p>During a reassignment (Cruise Control, {@code kafka-reassign-partitions}, a KafkaRebalance) a partition's
 * {@code replicas} are the move's target; {@code reassigning} holds every replica it has until the move ends.
 */
public record LiveTopic(String name, List<LivePartition> partitions, SortedMap<String, String> overrides,
                        SortedMap<Integer, List<Integer>> reassigning, String id) {
    public LiveTopic(String name, List<LivePartition> partitions, SortedMap<String, String> overrides,
                     SortedMap<Integer, List<Integer>> reassigning) {
        this(name, partitions, overrides, reassigning, "");
    }

    /** @param id Kafka's topic id ("" when not known) */
    public LiveTopic {
        partitions = List.copyOf(partitions);
        overrides = Collections.unmodifiableSortedMap(new TreeMap<>(overrides));
        reassigning = Collections.unmodifiableSortedMap(new TreeMap<>(reassigning));
    }

    public LiveTopic(String name, List<LivePartition> partitions, SortedMap<String, String> overrides) {
        this(name, partitions, overrides, new TreeMap<>());
    }

    public int partitionCount() {
        return partitions.size();
    }

    /** The replication factor: the largest target replica list (a move in flight counts with its target). */
    public int replicationFactor() {
        return partitions.stream().mapToInt(p -> p.replicas().size()).max().orElse(0);
    }
}

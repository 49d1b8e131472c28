package io.kgr.status;

import java.time.Instant;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one source has applied to one cluster: the proof of ownership that pruning needs. kgr only ever deletes
 * topics that are in its own source's inventory.
 *
 * @param topics managed topic name → the manifest's metadata.name it came from (to notice renames)
 */
public record Inventory(String cluster, String source, String commit, Instant appliedAt,
                        SortedMap<String, String> topics) {
    public Inventory {
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
    }

    public static Inventory empty(String cluster, String source) {
        return new Inventory(cluster, source, "", Instant.EPOCH, new TreeMap<>());
    }

    public boolean owns(String topic) {
        return topics.containsKey(topic);
    }
}

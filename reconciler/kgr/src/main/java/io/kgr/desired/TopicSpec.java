package io.kgr.desired;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

import io.kgr.manifest.Location;

/**
 * A topic as Git declares it.
 *
 * @param name         the Kafka topic name ({@code spec.topicName}, else {@code metadata.name})
 * @param resourceName the manifest's {@code metadata.name}; kgr remembers it to notice renames
 * @param partitions   null when omitted (the broker's {@code num.partitions} applies at creation)
 * @param replicas     null when omitted (the broker's {@code default.replication.factor} applies at creation)
 * @param config       topic-level overrides, values as Kafka strings
 * @param origin       where the manifest starts, for messages
 */
public record TopicSpec(String name, String resourceName, String cluster, Integer partitions, Integer replicas,
                        SortedMap<String, String> config, Location origin) {
    public TopicSpec {
        config = Collections.unmodifiableSortedMap(new TreeMap<>(config));
    }
}

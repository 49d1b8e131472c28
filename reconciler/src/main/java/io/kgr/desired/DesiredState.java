package io.kgr.desired;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything Git declares for one cluster, validated; topics and users sorted by name.
 *
 * @param kafka the cluster itself ({@code Kafka} and its {@code KafkaNodePool}s), when the repository declares it
 */
public record DesiredState(String cluster, SortedMap<String, TopicSpec> topics, SortedMap<String, UserSpec> users,
                           java.util.Optional<ClusterSpec> kafka) {
    public DesiredState {
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
        users = Collections.unmodifiableSortedMap(new TreeMap<>(users));
    }

    public DesiredState(String cluster, SortedMap<String, TopicSpec> topics, SortedMap<String, UserSpec> users) {
        this(cluster, topics, users, java.util.Optional.empty());
    }

    public DesiredState(String cluster, SortedMap<String, TopicSpec> topics) {
        this(cluster, topics, new TreeMap<>());
    }
}

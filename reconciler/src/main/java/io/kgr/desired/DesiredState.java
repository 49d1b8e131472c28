package io.kgr.desired;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Everything Git declares for one cluster, validated; topics and users sorted by name. */
public record DesiredState(String cluster, SortedMap<String, TopicSpec> topics, SortedMap<String, UserSpec> users) {
    public DesiredState {
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
        users = Collections.unmodifiableSortedMap(new TreeMap<>(users));
    }

    public DesiredState(String cluster, SortedMap<String, TopicSpec> topics) {
        this(cluster, topics, new TreeMap<>());
    }
}

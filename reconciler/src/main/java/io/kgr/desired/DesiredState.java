package io.kgr.desired;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Everything Git declares for one cluster, validated; topics sorted by name. */
public record DesiredState(String cluster, SortedMap<String, TopicSpec> topics) {
    public DesiredState {
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
    }
}

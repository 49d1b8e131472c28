package io.kgr.plan;

import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;

/** What a step does: one record per kind of action, carrying all it needs to be applied later from a saved plan. */
public sealed interface Change {

    /** A stable, kebab-case name of the action kind (used in step ids, JSON and metrics). */
    String kind();

    /** The thing acted on (a topic name, or the inventory key). */
    String subject();

    Action action();

    /** A new topic; null partitions/replicas mean the broker's defaults. */
    record CreateTopic(String topic, Integer partitions, Integer replicas, SortedMap<String, String> config)
            implements Change {
        public String kind() { return "create-topic"; }
        public String subject() { return topic; }
        public Action action() { return Action.CREATE; }
    }

    /**
     * More partitions. {@code newReplicas} lists the replicas of each new partition when they are placed explicitly;
     * empty lets the controller place them (rack-aware), at the topic's current replication factor.
     */
    record IncreasePartitions(String topic, int from, int to, List<List<Integer>> newReplicas) implements Change {
        public String kind() { return "increase-partitions"; }
        public String subject() { return topic; }
        public Action action() { return Action.UPDATE; }
    }

    /** Topic-level overrides to set, and overrides to remove (back to the broker default). */
    record AlterTopicConfig(String topic, SortedMap<String, String> set, SortedSet<String> delete) implements Change {
        public String kind() { return "alter-topic-config"; }
        public String subject() { return topic; }
        public Action action() { return Action.UPDATE; }
    }

    /** A reassignment to a new replication factor: the full target replica list of every existing partition. */
    record ChangeReplicationFactor(String topic, int from, int to, SortedMap<Integer, List<Integer>> assignment)
            implements Change {
        public String kind() { return "change-replication-factor"; }
        public String subject() { return topic; }
        public Action action() { return Action.UPDATE; }
    }

    record DeleteTopic(String topic, int partitions) implements Change {
        public String kind() { return "delete-topic"; }
        public String subject() { return topic; }
        public Action action() { return Action.DELETE; }
    }

    /** The ownership record after this plan: managed topic → the manifest it came from. */
    record UpdateInventory(String cluster, String source, String commit, SortedMap<String, String> topics)
            implements Change {
        public String kind() { return "update-inventory"; }
        public String subject() { return cluster + "/" + source; }
        public Action action() { return Action.UPDATE; }
    }
}

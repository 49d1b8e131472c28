package io.kgr.desired;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import io.kgr.manifest.Location;
import tools.jackson.databind.JsonNode;

/**
 * Everything Git declares for one cluster, validated; topics and users sorted by name.
 *
 * @param kafka   the cluster itself ({@code Kafka} and its {@code KafkaNodePool}s), when the repository declares it
 * @param skipped topic and user manifests of the source that belong to other clusters (their label says so): a plan
 *                that would prune everything names them as the likely cause
 */
public record DesiredState(String cluster, SortedMap<String, TopicSpec> topics, SortedMap<String, UserSpec> users,
                           Optional<ClusterSpec> kafka, List<Skipped> skipped, List<Declared> declared) {
    public DesiredState {
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
        users = Collections.unmodifiableSortedMap(new TreeMap<>(users));
        skipped = List.copyOf(skipped);
        declared = List.copyOf(declared);
    }

    public DesiredState(String cluster, SortedMap<String, TopicSpec> topics, SortedMap<String, UserSpec> users,
                        Optional<ClusterSpec> kafka, List<Skipped> skipped) {
        this(cluster, topics, users, kafka, skipped, List.of());
    }

    /**
     * A Strimzi resource of the cluster as the file in Git has it (what its read-only mirror on the cluster shows).
     *
     * @param body the document, as parsed (never holds a secret value: Strimzi's kinds refer to Secrets by name)
     */
    public record Declared(String kind, String name, String file, JsonNode body) {
    }

    /**
     * A manifest labelled for another cluster.
     *
     * @param declared whether anyone declares that cluster (a Kafka manifest in the repository); when not, the label is
     *                 most likely a typo
     */
    public record Skipped(String kind, String name, String cluster, Location label, boolean declared) {
    }

    public DesiredState(String cluster, SortedMap<String, TopicSpec> topics, SortedMap<String, UserSpec> users,
                        Optional<ClusterSpec> kafka) {
        this(cluster, topics, users, kafka, List.of());
    }

    public DesiredState(String cluster, SortedMap<String, TopicSpec> topics, SortedMap<String, UserSpec> users) {
        this(cluster, topics, users, Optional.empty());
    }

    public DesiredState(String cluster, SortedMap<String, TopicSpec> topics) {
        this(cluster, topics, new TreeMap<>());
    }

    /** What the notes say about manifests skipped for other clusters: counts per cluster, typos first. */
    public List<String> skippedNotes() {
        if (skipped.isEmpty()) return List.of();
        TreeMap<String, List<Skipped>> byCluster = new TreeMap<>();
        skipped.forEach(s -> byCluster.computeIfAbsent(s.cluster(), c -> new ArrayList<>()).add(s));
        List<String> notes = new ArrayList<>();
        byCluster.forEach((c, list) -> {
            Skipped first = list.get(0);
            notes.add(list.size() + " manifest(s) labelled strimzi.io/cluster: " + c + " were skipped ("
                    + (first.declared() ? "a Kafka manifest declares that cluster; another run plans it"
                            : "no Kafka manifest in the repository declares that cluster, nor the target: a typo?")
                    + "; first at " + first.label() + ")");
        });
        return notes;
    }

    /** The skipped manifests labelled for clusters nobody declares (likely typos). */
    public List<Skipped> undeclared() {
        return skipped.stream().filter(s -> !s.declared()).toList();
    }
}

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
                           Optional<ClusterSpec> kafka, List<Skipped> skipped, List<Declared> declared, List<Held> held) {
    public DesiredState(String cluster, SortedMap<String, TopicSpec> topics, SortedMap<String, UserSpec> users,
                        Optional<ClusterSpec> kafka, List<Skipped> skipped, List<Declared> declared) {
        this(cluster, topics, users, kafka, skipped, declared, List.of());
    }

    /**
     * A topic or user Git declares with Strimzi's {@code strimzi.io/managed: "false"} or
     * {@code strimzi.io/pause-reconciliation: "true"}: kgr leaves it as it is on the cluster — neither changed nor
     * deleted, and still owned — as Strimzi's operators do.
     *
     * @param kind {@code topic} or {@code user}
     * @param name the topic's or user's name on the cluster
     * @param why  the annotation that holds it
     */
    public record Held(String kind, String name, String why, Location at) {
    }

    /** Whether Git holds this topic or user ({@code kind}: topic or user) as it is on the cluster. */
    public boolean holds(String kind, String name) {
        for (Held h : held) if (h.kind().equals(kind) && h.name().equals(name)) return true;
        return false;
    }

    public DesiredState {
        held = List.copyOf(held);
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

package io.kgr;

import java.util.Optional;

import io.kgr.observe.KafkaState;
import io.kgr.status.InventoryStore;

/**
 * The cluster a run works on: its readers and where its inventory lives.
 *
 * @param cluster          the cluster name; empty takes it from the manifests' strimzi.io/cluster label
 * @param bootstrapServers for the plan header (so a saved plan says where it belongs)
 * @param kube             the cluster's Kubernetes namespace, when kgr manages the cluster's pods too
 */
public record Target(Optional<String> cluster, String bootstrapServers, KafkaState kafka, InventoryStore inventory,
                     Optional<io.kgr.observe.KubeObserver> kube) {
    /** A Kafka-only target: topics and users; the cluster's Kubernetes objects are not planned. */
    public Target(Optional<String> cluster, String bootstrapServers, KafkaState kafka, InventoryStore inventory) {
        this(cluster, bootstrapServers, kafka, inventory, Optional.empty());
    }
}

package io.kgr;

import java.util.Optional;

import io.kgr.inventory.Inventory;
import io.kgr.inventory.InventoryRecords;
import io.kgr.observe.KafkaState;
import io.kgr.inventory.InventoryStore;
import io.kgr.observe.KubeObserver;
import io.kgr.observe.ObserveException;

/**
 * The cluster a run works on: its readers and where its inventory lives.
 *
 * @param cluster          the cluster name; empty takes it from the manifests' strimzi.io/cluster label
 * @param bootstrapServers for the plan header (so a saved plan says where it belongs)
 * @param kube             the cluster's Kubernetes namespace, when kgr manages the cluster's pods too
 */
public record Target(Optional<String> cluster, String bootstrapServers, KafkaState kafka, InventoryStore inventory,
                     Optional<KubeObserver> kube) {
    /** A Kafka-only target: topics and users; the cluster's Kubernetes objects are not planned. */
    public Target(Optional<String> cluster, String bootstrapServers, KafkaState kafka, InventoryStore inventory) {
        this(cluster, bootstrapServers, kafka, inventory, Optional.empty());
    }

    /**
     * A cluster on Kubernetes whose brokers cannot be reached yet (kgr is about to create it, or none is ready): its
     * Kubernetes objects are planned, its topics and users once a broker answers.
     */
    public static Target withoutKafka(Optional<String> cluster, String why, KubeObserver kube) {
        KafkaState none = () -> {
            throw new ObserveException(why, null);
        };
        InventoryStore noStore = new InventoryStore() {
            @Override
            public InventoryRecords loadAll() throws InventoryException {
                throw new InventoryException(why, null);
            }

            @Override
            public void save(Inventory inventory) throws InventoryException {
                throw new InventoryException(why, null);
            }
        };
        return new Target(cluster, "", none, noStore, Optional.of(kube));
    }
}

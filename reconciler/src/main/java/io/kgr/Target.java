package io.kgr;

import java.util.Optional;

import io.kgr.observe.KafkaState;
import io.kgr.status.InventoryStore;

/**
 * The cluster a run works on: its readers and where its inventory lives.
 *
 * @param cluster          the cluster name; empty takes it from the manifests' strimzi.io/cluster label
 * @param bootstrapServers for the plan header (so a saved plan says where it belongs)
 */
public record Target(Optional<String> cluster, String bootstrapServers, KafkaState kafka, InventoryStore inventory) {
}

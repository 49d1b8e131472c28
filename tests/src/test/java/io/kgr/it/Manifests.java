package io.kgr.it;

import java.util.Map;
import java.util.TreeMap;

/** KafkaTopic YAML for tests. */
public final class Manifests {
    private Manifests() {
    }

    public static String topic(String name, String cluster, Integer partitions, Integer replicas, Map<String, ?> config) {
        StringBuilder sb = new StringBuilder();
        sb.append("apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata:\n  name: ").append(name)
                .append("\n  labels:\n    strimzi.io/cluster: ").append(cluster).append("\nspec:\n");
        if (partitions != null) sb.append("  partitions: ").append(partitions).append('\n');
        if (replicas != null) sb.append("  replicas: ").append(replicas).append('\n');
        if (!config.isEmpty()) {
            sb.append("  config:\n");
            new TreeMap<>(config).forEach((k, v) -> sb.append("    ").append(k).append(": ").append(v).append('\n'));
        }
        return sb.toString();
    }

    public static String topic(String name, String cluster, int partitions) {
        return topic(name, cluster, partitions, 1, Map.of());
    }
}

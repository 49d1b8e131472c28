package io.kgr.desired;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Kafka cluster as Git declares it: a {@code Kafka} and its {@code KafkaNodePool}s, checked and normalised. Without
 * node pools (ZooKeeper-mode clusters), {@code spec.kafka.replicas} and {@code spec.kafka.storage} make one pool
 * named "kafka" of brokers, as Strimzi does.
 *
 * @param kraft       KRaft (node pools with controllers) rather than ZooKeeper
 * @param config      {@code spec.kafka.config}, values as text
 * @param podTemplate {@code spec.kafka.template.pod}, as YAML-like maps and lists (labels, annotations, affinity …)
 */
public record ClusterSpec(String name, Optional<String> namespace, String version, Optional<String> metadataVersion,
                          String image, boolean kraft, List<Listener> listeners, SortedMap<String, String> config,
                          List<Pool> pools, Optional<ZooKeeper> zookeeper, Optional<String> rackTopologyKey,
                          Object podTemplate, Optional<Authorization> authorization, Ca clusterCa, Ca clientsCa) {
    /**
     * {@code spec.clusterCa} / {@code spec.clientsCa}: kgr generates and renews the CA unless {@code generate} is false
     * (the user supplies it in Strimzi's Secrets; kgr then only uses it and warns before it expires).
     *
     * @param policy {@code renew-certificate} (a new CA certificate for the same key) or {@code replace-key}
     */
    public record Ca(boolean generate, int validityDays, int renewalDays, String policy) {
        public static final Ca DEFAULT = new Ca(true, 365, 30, "renew-certificate");
    }

    public ClusterSpec(String name, Optional<String> namespace, String version, Optional<String> metadataVersion,
                       String image, boolean kraft, List<Listener> listeners, SortedMap<String, String> config,
                       List<Pool> pools, Optional<ZooKeeper> zookeeper, Optional<String> rackTopologyKey, Object podTemplate,
                       Optional<Authorization> authorization) {
        this(name, namespace, version, metadataVersion, image, kraft, listeners, config, pools, zookeeper, rackTopologyKey,
                podTemplate, authorization, Ca.DEFAULT, Ca.DEFAULT);
    }

    /** {@code spec.kafka.authorization} of type simple: ACLs are enforced; super users bypass them. */
    public record Authorization(List<String> superUsers) {
        public Authorization {
            superUsers = List.copyOf(superUsers);
        }
    }

    public ClusterSpec(String name, Optional<String> namespace, String version, Optional<String> metadataVersion,
                       String image, boolean kraft, List<Listener> listeners, SortedMap<String, String> config,
                       List<Pool> pools, Optional<ZooKeeper> zookeeper, Optional<String> rackTopologyKey, Object podTemplate) {
        this(name, namespace, version, metadataVersion, image, kraft, listeners, config, pools, zookeeper, rackTopologyKey,
                podTemplate, Optional.empty(), Ca.DEFAULT, Ca.DEFAULT);
    }

    /** Whether any listener serves TLS (the cluster's own listeners always do on KRaft clusters). */
    public boolean anyTlsListener() {
        return listeners.stream().anyMatch(Listener::tls);
    }

    public ClusterSpec {
        listeners = List.copyOf(listeners);
        pools = List.copyOf(pools);
    }

    public enum Role { BROKER, CONTROLLER }

    /**
     * A listener; {@code authentication} is scram-sha-512, tls or empty. {@code alternativeNames}
     * ({@code configuration.bootstrap.alternativeNames}) and {@code advertisedHosts} (broker id → host, from
     * {@code configuration.brokers[].advertisedHost}) are names clients use from outside: the brokers advertise them
     * and their certificates name them.
     */
    public record Listener(String name, int port, String type, boolean tls, Optional<String> authentication,
                           List<String> alternativeNames, SortedMap<Integer, String> advertisedHosts) {
        public Listener {
            alternativeNames = List.copyOf(alternativeNames);
            advertisedHosts = Collections.unmodifiableSortedMap(new TreeMap<>(advertisedHosts));
        }

        public Listener(String name, int port, String type, boolean tls, Optional<String> authentication) {
            this(name, port, type, tls, authentication, List.of(), new TreeMap<>());
        }
    }

    /**
     * A node pool.
     *
     * @param nextNodeIds   Strimzi's {@code strimzi.io/next-node-ids} annotation (ranges like {@code [10-19, 30]})
     * @param removeNodeIds Strimzi's {@code strimzi.io/remove-node-ids} annotation
     */
    /** @param maxUnavailable of the pool's PodDisruptionBudget ({@code template.podDisruptionBudget}; Strimzi's default 1) */
    public record Pool(String name, Set<Role> roles, int replicas, Storage storage, Object resources, Object jvmOptions,
                       Object podTemplate, Optional<String> nextNodeIds, Optional<String> removeNodeIds, int maxUnavailable) {
        public Pool(String name, Set<Role> roles, int replicas, Storage storage, Object resources, Object jvmOptions,
                    Object podTemplate, Optional<String> nextNodeIds, Optional<String> removeNodeIds) {
            this(name, roles, replicas, storage, resources, jvmOptions, podTemplate, nextNodeIds, removeNodeIds, 1);
        }

        public boolean isBroker() {
            return roles.contains(Role.BROKER);
        }

        public boolean isController() {
            return roles.contains(Role.CONTROLLER);
        }
    }

    public record ZooKeeper(int replicas, Storage storage) {
    }

    /** Ephemeral, one persistent claim, or JBOD volumes (each with its id). */
    public record Storage(String type, List<Volume> volumes) {
        public Storage {
            volumes = List.copyOf(volumes);
        }
    }

    /**
     * @param id   the JBOD volume id; empty for a single persistent-claim or ephemeral storage
     * @param size the requested size as written (e.g. 100Gi); empty for ephemeral volumes
     */
    public record Volume(Optional<Integer> id, String type, Optional<String> size, Optional<String> storageClass,
                         boolean deleteClaim, boolean kraftMetadata) {
        public boolean persistent() {
            return type.equals("persistent-claim");
        }
    }
}

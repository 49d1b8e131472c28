package io.kgr.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;

import io.kgr.Target;
import io.kgr.observe.AdminKafkaState;
import io.kgr.observe.ConfigReaders;
import io.kgr.observe.KafkaBootstrap;
import io.kgr.observe.KubeObserver;
import io.kgr.inventory.KafkaInventoryStore;

/**
 * A command's way to the cluster's Kafka: an Admin client on the given bootstrap servers, or — for a cluster on
 * Kubernetes given no bootstrap — on the cluster's bootstrap Service. A cluster kgr is about to create has none yet:
 * then there is no client, and the run plans the cluster's Kubernetes objects only.
 */
final class KafkaConnection implements AutoCloseable {
    private final Properties props;
    private final Optional<Admin> admin;
    private final String unreachable;
    private final Duration timeout;
    private final ConfigReaders readers;

    private KafkaConnection(KafkaOptions kafka, Properties props, Optional<Admin> admin, String unreachable, Duration timeout) {
        this.props = props;
        this.admin = admin;
        this.unreachable = unreachable;
        this.timeout = timeout;
        this.readers = admin.isEmpty() ? ConfigReaders.none()
                : new ConfigReaders(() -> kafka.admin(props));
    }

    /**
     * @param fallback bootstrap servers to use when neither the flag nor the command-config names any (a saved plan's)
     */
    static KafkaConnection open(KafkaOptions kafka, String fallback, Optional<KubeObserver> kube, Optional<String> cluster)
            throws IOException {
        Properties props = kafka.clientProperties(fallback);
        if (!props.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            if (kube.isEmpty()) {
                throw new IllegalArgumentException("no Kafka cluster given: use --bootstrap-server HOST:PORT, or --namespace"
                        + " for a cluster on Kubernetes (kgr then finds its bootstrap Service)");
            }
            KafkaBootstrap.Resolution found = KafkaBootstrap.resolve(kube.get().client(), kube.get().namespace(), cluster,
                    KafkaBootstrap.inCluster());
            if (found.servers().isEmpty()) return new KafkaConnection(kafka, props, Optional.empty(), found.why(), kafka.timeout());
            props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, found.servers().get());
            props.putAll(found.security());
        }
        try {
            return new KafkaConnection(kafka, props, Optional.of(kafka.admin(props)), "", kafka.timeout());
        } catch (KafkaException e) {
            // a Service name that does not resolve yet: the cluster is still to be created (the reason is kept)
            if (kube.isEmpty()) throw e;
            return new KafkaConnection(kafka, props, Optional.empty(), "no Kafka client for "
                    + props.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) + ": " + KafkaBootstrap.rootMessage(e), kafka.timeout());
        }
    }

    String bootstrapServers() {
        return props.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "");
    }

    /** The client properties (bootstrap, TLS, SASL): never printed. */
    Properties properties() {
        return props;
    }

    /** The client, when the cluster can be reached. */
    Optional<Admin> admin() {
        return admin;
    }

    Target target(Optional<String> cluster, Optional<KubeObserver> kube) {
        if (admin.isEmpty()) return Target.withoutKafka(cluster, unreachable, kube.orElseThrow());
        return new Target(cluster, bootstrapServers(), new AdminKafkaState(admin.get(), readers, timeout), inventory(), kube);
    }

    private KafkaInventoryStore inventory;

    /** One store for the command: an apply finds the inventories its plan read, and writes with the client it warmed. */
    KafkaInventoryStore inventory() {
        if (inventory == null) inventory = new KafkaInventoryStore(admin.orElseThrow(), props, timeout);
        return inventory;
    }

    @Override
    public void close() {
        if (inventory != null) inventory.close();
        readers.close();
        admin.ifPresent(Admin::close);
    }
}

package io.kgr.service;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kgr.Target;
import io.kgr.desired.KubernetesSecrets;
import io.kgr.desired.SecretResolver;
import io.kgr.observe.AdminKafkaState;
import io.kgr.observe.ConfigReaders;
import io.kgr.observe.KafkaBootstrap;
import io.kgr.inventory.KafkaInventoryStore;
import io.kgr.observe.KubeObserver;

/**
 * A cluster's long-lived clients: one Admin client (it reconnects by itself) and, when the cluster is on Kubernetes,
 * one Kubernetes client. Shared by every source that targets the cluster. Without a configured bootstrap, each run
 * looks up the cluster's bootstrap Service (its DNS name in the cluster, its ready endpoints outside), and the Admin
 * client follows when that changes; while no broker is ready, runs plan the cluster's Kubernetes objects only.
 */
final class ClusterConnection implements AutoCloseable {
    private final ServiceConfig.Cluster cluster;
    private final Properties props;
    private final Optional<KubernetesClient> kubernetes;
    private Admin admin;
    private String adminBootstrap;
    /** The admin client's companions for reading topics' configs: made with it, closed with it. */
    private ConfigReaders readers = ConfigReaders.none();

    ClusterConnection(ServiceConfig.Cluster cluster) {
        this.cluster = cluster;
        this.props = clientProperties(cluster);
        this.kubernetes = switch (cluster.kubernetes()) {
            case NONE -> Optional.empty();
            case IN_CLUSTER -> Optional.of(client(Config.autoConfigure(null)));
            case KUBECONFIG -> Optional.of(client(kubeconfig(cluster)));
        };
    }

    /** The Admin client for these bootstrap servers: the same one while they stay the same. */
    private synchronized Admin admin(String bootstrap, Map<String, String> security) {
        String key = bootstrap + "\n" + security.hashCode(); // a renewed kgr certificate makes a new client
        if (admin != null && key.equals(adminBootstrap)) return admin;
        if (admin != null) admin.close(Duration.ofSeconds(5));
        admin = null;
        readers.close();
        Properties adminProps = new Properties();
        adminProps.putAll(props);
        adminProps.putAll(security);
        adminProps.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        long timeout = cluster.timeout().toMillis();
        adminProps.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
        adminProps.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(timeout, 30_000)));
        admin = Admin.create(adminProps);
        adminBootstrap = key;
        readers = new ConfigReaders(() -> Admin.create(adminProps));
        return admin;
    }

    private static KubernetesClient client(Config config) {
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static Config kubeconfig(ServiceConfig.Cluster cluster) {
        if (cluster.kubeconfig().isEmpty()) return Config.autoConfigure(cluster.context().orElse(null));
        try {
            return Config.fromKubeconfig(cluster.context().orElse(null), Files.readString(cluster.kubeconfig().get()),
                    cluster.kubeconfig().get().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cluster " + cluster.name() + ": cannot read kubeconfig " + cluster.kubeconfig().get(), e);
        }
    }

    /** The properties file first, then the bootstrap override. Values are never logged: they may hold passwords. */
    private static Properties clientProperties(ServiceConfig.Cluster cluster) {
        Properties p = new Properties();
        if (cluster.kafkaPropertiesFile().isPresent()) {
            try (Reader r = Files.newBufferedReader(cluster.kafkaPropertiesFile().get())) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cluster " + cluster.name() + ": cannot read kafka.propertiesFile "
                        + cluster.kafkaPropertiesFile().get(), e);
            }
        }
        cluster.bootstrapServers().ifPresent(b -> p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, b));
        if (!p.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                && (cluster.namespace().isEmpty() || cluster.kubernetes() == ServiceConfig.KubernetesMode.NONE)) {
            throw new IllegalArgumentException("cluster " + cluster.name() + ": no bootstrap.servers");
        }
        p.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "kgr-serve");
        return p;
    }

    ServiceConfig.Cluster config() {
        return cluster;
    }

    /**
     * Drops a client whose network thread died (an error it did not survive): every call on it fails from then on,
     * so the next {@link #target} makes a new one instead of failing every run until a restart.
     */
    synchronized void discardIfDead(String failure) {
        if (admin == null || failure == null || !(failure.contains("AdminClient thread has exited")
                || failure.contains("AdminClient thread is not accepting new calls"))) {
            return;
        }
        admin.close(Duration.ZERO);
        admin = null;
        adminBootstrap = null;
        readers.close(); // made again with the next client
    }

    /** The Admin client of the latest {@link #target}; null while no broker can be reached. */
    synchronized Admin admin() {
        return admin;
    }

    private Optional<KubeObserver> kube() {
        return kubernetes.isPresent() && cluster.namespace().isPresent()
                ? Optional.of(new KubeObserver(kubernetes.get(), cluster.namespace().get())) : Optional.empty();
    }

    /** The cluster's readers for a run; with Kubernetes and a namespace, kgr also manages the cluster's pods there. */
    synchronized Target target() {
        Optional<KubeObserver> kube = kube();
        String bootstrap = props.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        Map<String, String> security = Map.of();
        if (bootstrap == null) {
            KafkaBootstrap.Resolution found = KafkaBootstrap.resolve(kubernetes.get(), cluster.namespace().get(),
                    Optional.of(cluster.name()), cluster.kubernetes() == ServiceConfig.KubernetesMode.IN_CLUSTER);
            if (found.servers().isEmpty()) return Target.withoutKafka(Optional.of(cluster.name()), found.why(), kube.get());
            bootstrap = found.servers().get();
            security = found.security();
        }
        Admin current;
        try {
            current = admin(bootstrap, security);
        } catch (KafkaException e) {
            // the Service of a cluster kgr is about to create does not resolve yet
            if (kube.isEmpty()) throw e;
            return Target.withoutKafka(Optional.of(cluster.name()), "no Kafka client for " + bootstrap + ": "
                    + KafkaBootstrap.rootMessage(e), kube.get());
        }
        Properties clientProps = new Properties();
        clientProps.putAll(props);
        clientProps.putAll(security);
        clientProps.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap); // the inventory's producer needs it too
        // one store per client: it remembers what it read, and reads again only after a record was written
        if (inventory == null || inventoryAdmin != current || !inventoryProps.equals(clientProps)) {
            if (inventory != null) inventory.close();
            inventory = new KafkaInventoryStore(current, clientProps, cluster.timeout());
            inventoryAdmin = current;
            inventoryProps = clientProps;
        }
        return new Target(Optional.of(cluster.name()), bootstrap, new AdminKafkaState(current, readers, cluster.timeout()),
                inventory, kube);
    }

    private KafkaInventoryStore inventory;
    private Admin inventoryAdmin;
    private Properties inventoryProps = new Properties();

    /** Secrets from the namespace on Kubernetes (and generated there); else from a mounted folder or the environment. */
    SecretResolver secrets() {
        if (kubernetes.isPresent() && cluster.namespace().isPresent()) {
            return SecretResolver.kubernetes(new KubernetesSecrets(kubernetes.get(), cluster.namespace().get()));
        }
        return new SecretResolver(cluster.secretsDir(), System.getenv());
    }

    @Override
    public synchronized void close() {
        if (inventory != null) inventory.close();
        readers.close();
        if (admin != null) admin.close(Duration.ofSeconds(5));
        kubernetes.ifPresent(KubernetesClient::close);
    }
}

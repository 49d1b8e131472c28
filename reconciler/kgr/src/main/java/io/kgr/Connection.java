package io.kgr;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

import io.kgr.inventory.KafkaInventoryStore;
import io.kgr.observe.AdminKafkaState;
import io.kgr.observe.ConfigReaders;
import io.kgr.observe.KafkaBootstrap;
import io.kgr.observe.KubeObserver;

/**
 * The one way a run reaches a target cluster, for a CLI command (one run) and for serve (a run every few minutes).
 * Holds one Admin client and what is made with it (the config readers, the inventory store) for as long as the
 * bootstrap servers and the security settings stay the same. Without configured bootstrap servers, each
 * {@link #target} looks up the cluster's bootstrap Service ({@link KafkaBootstrap}); while no broker is ready, or the
 * Service's name does not resolve yet (a cluster kgr is about to create), the target plans Kubernetes objects only.
 */
public final class Connection implements AutoCloseable {
    /**
     * @param client    client properties (a command-config file, serve's properties file, the bootstrap flag): never printed
     * @param cluster   the cluster's name; empty: the only kgr-made bootstrap Service of the namespace
     * @param kube      the cluster's namespace, when kgr manages its pods (and can find its bootstrap Service)
     * @param inCluster kgr runs inside Kubernetes: Service names resolve
     */
    public record Settings(Properties client, Duration timeout, Optional<String> cluster, Optional<KubeObserver> kube,
                           boolean inCluster) {
        public Settings {
            if (!client.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) && kube.isEmpty()) {
                throw new IllegalArgumentException("no Kafka cluster given: give its bootstrap servers, or its Kubernetes"
                        + " namespace (kgr then finds its bootstrap Service)");
            }
        }
    }

    private final Settings settings;
    private Admin admin;
    /** What the client was made for: bootstrap servers and security settings (compared, never printed). */
    private Properties adminProps;
    private ConfigReaders readers = ConfigReaders.none();
    private KafkaInventoryStore inventory;

    public Connection(Settings settings) {
        this.settings = settings;
    }

    /** The cluster's readers for a run, with the client of the latest bootstrap servers. */
    public synchronized Target target() {
        Properties wanted = new Properties();
        wanted.putAll(settings.client());
        if (!wanted.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            KafkaBootstrap.Resolution found = KafkaBootstrap.resolve(settings.kube().get().client(),
                    settings.kube().get().namespace(), settings.cluster(), settings.inCluster());
            if (found.servers().isEmpty()) return Target.withoutKafka(settings.cluster(), found.why(), settings.kube().get());
            wanted.putAll(found.security()); // kgr's own certificate on a cluster it made with mTLS
            wanted.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, found.servers().get());
        }
        String bootstrap = wanted.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        try {
            use(wanted);
        } catch (KafkaException e) {
            if (settings.kube().isEmpty()) throw e;
            return Target.withoutKafka(settings.cluster(), "no Kafka client for " + bootstrap + ": "
                    + KafkaBootstrap.rootMessage(e), settings.kube().get());
        }
        return new Target(settings.cluster(), bootstrap, new AdminKafkaState(admin, readers, settings.timeout()),
                inventory, settings.kube());
    }

    /** Keeps the client while its properties stay the same; else makes a new one, with new readers and store. */
    private void use(Properties wanted) {
        if (admin != null && wanted.equals(adminProps)) return;
        discard();
        Properties props = new Properties();
        props.putAll(wanted);
        long timeout = settings.timeout().toMillis();
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(timeout, 30_000)));
        admin = Admin.create(props);
        adminProps = wanted;
        readers = new ConfigReaders(() -> Admin.create(props));
        // one store per client: it remembers what it read, and reads again only after a record was written
        inventory = new KafkaInventoryStore(admin, wanted, settings.timeout());
    }

    /** The client of the latest {@link #target}: empty while no broker can be reached. */
    public synchronized Optional<Admin> admin() {
        return Optional.ofNullable(admin);
    }

    /**
     * Drops the client, so that the next {@link #target} makes a new one: after a run that could not observe Kafka. A
     * client whose network thread died fails every call from then on (with a timeout, like a slow cluster, so the two
     * cannot be told apart); a new client after any such failure costs a connection and never leaves one dead.
     */
    public synchronized void discard() {
        if (inventory != null) inventory.close();
        inventory = null;
        readers.close();
        readers = ConfigReaders.none();
        if (admin != null) admin.close(Duration.ZERO);
        admin = null;
        adminProps = null;
    }

    @Override
    public synchronized void close() {
        if (inventory != null) inventory.close();
        readers.close();
        if (admin != null) admin.close(Duration.ofSeconds(5));
        admin = null;
    }
}

package io.kgr.service;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kgr.Connection;
import io.kgr.Target;
import io.kgr.desired.KubernetesSecrets;
import io.kgr.desired.SecretResolver;
import io.kgr.observe.KubeObserver;

/**
 * A configured cluster's long-lived clients: one Kubernetes client, when the cluster is on Kubernetes, and one
 * {@link Connection} (its Admin client reconnects by itself). Shared by every source that targets the cluster.
 */
final class ClusterConnection implements AutoCloseable {
    private final ServiceConfig.Cluster cluster;
    private final Optional<KubernetesClient> kubernetes;
    private final Connection connection;
    private final Optional<KubeObserver> kube;

    ClusterConnection(ServiceConfig.Cluster cluster) {
        this.cluster = cluster;
        Properties props = clientProperties(cluster);
        this.kubernetes = switch (cluster.kubernetes()) {
            case NONE -> Optional.empty();
            case IN_CLUSTER -> Optional.of(client(Config.autoConfigure(null)));
            case KUBECONFIG -> Optional.of(client(kubeconfig(cluster)));
        };
        this.kube = kubernetes.isPresent() && cluster.namespace().isPresent()
                ? Optional.of(new KubeObserver(kubernetes.get(), cluster.namespace().get())) : Optional.empty();
        this.connection = new Connection(new Connection.Settings(props, cluster.timeout(), Optional.of(cluster.name()),
                kube, cluster.kubernetes() == ServiceConfig.KubernetesMode.IN_CLUSTER));
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

    /** The cluster's readers for a run (see {@link Connection#target}). */
    Target target() {
        return connection.target();
    }

    /** The cluster's namespace, when kgr manages the cluster on Kubernetes. */
    Optional<KubeObserver> kube() {
        return kube;
    }

    /** The Admin client of the latest {@link #target}; null while no broker can be reached. */
    Admin admin() {
        return connection.admin().orElse(null);
    }

    /** After a run that could not observe Kafka: the next run starts with a new client. */
    void discard() {
        connection.discard();
    }

    /** Secrets from the namespace on Kubernetes (and generated there); else from a mounted folder or the environment. */
    SecretResolver secrets() {
        if (kubernetes.isPresent() && cluster.namespace().isPresent()) {
            return SecretResolver.kubernetes(new KubernetesSecrets(kubernetes.get(), cluster.namespace().get()));
        }
        return new SecretResolver(cluster.secretsDir(), System.getenv());
    }

    @Override
    public void close() {
        connection.close();
        kubernetes.ifPresent(KubernetesClient::close);
    }
}

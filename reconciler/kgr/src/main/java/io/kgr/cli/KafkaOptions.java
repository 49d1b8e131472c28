package io.kgr.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;

import io.kgr.Connection;
import io.kgr.observe.KafkaBootstrap;
import io.kgr.observe.KubeObserver;

import picocli.CommandLine.Option;

/** How to reach the Kafka cluster, with the flags the Kafka CLI tools use. */
final class KafkaOptions {
    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,…]", description = "Kafka bootstrap servers.")
    String bootstrapServer;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Admin client properties (TLS, SASL), as for kafka-topics.sh.")
    Path commandConfig;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", description = "Timeout of each Kafka request (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    /** Client properties: the command-config file, then the bootstrap server (flag wins), if any. Never logged. */
    Properties clientProperties(String fallbackBootstrap) throws IOException {
        Properties props = new Properties();
        if (commandConfig != null) {
            try (Reader r = Files.newBufferedReader(commandConfig)) {
                props.load(r);
            }
        }
        String bootstrap = bootstrapServer != null ? bootstrapServer : fallbackBootstrap;
        if (bootstrap != null && !bootstrap.isBlank()) props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "kgr");
        // a CLI run lives for seconds, and nobody reads its clients' metrics over JMX: registering every metric there
        // cost 60–80 ms of CPU per cold start (a command-config file that names reporters keeps them; serve keeps JMX)
        props.putIfAbsent(CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG, "");
        return props;
    }

    /**
     * The command's connection to the cluster: on the given bootstrap servers, or — for a cluster on Kubernetes given
     * none — on the cluster's bootstrap Service.
     *
     * @param fallback bootstrap servers to use when neither the flag nor the command-config names any (a saved plan's)
     */
    Connection connect(String fallback, Optional<KubeObserver> kube, Optional<String> cluster) throws IOException {
        Properties props = clientProperties(fallback);
        if (!props.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) && kube.isEmpty()) {
            throw new IllegalArgumentException("no Kafka cluster given: use --bootstrap-server HOST:PORT, or --namespace"
                    + " for a cluster on Kubernetes (kgr then finds its bootstrap Service)");
        }
        return new Connection(new Connection.Settings(props, timeout(), cluster, kube, KafkaBootstrap.inCluster()));
    }
}

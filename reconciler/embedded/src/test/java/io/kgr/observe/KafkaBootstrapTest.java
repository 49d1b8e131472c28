package io.kgr.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kgr.embedded.EmbeddedKubernetes;

/** The cluster's bootstrap Service as kgr's way to its brokers when no bootstrap address is given. */
class KafkaBootstrapTest {
    EmbeddedKubernetes kube;
    KubernetesClient client;

    @BeforeEach
    void start() throws Exception {
        kube = EmbeddedKubernetes.start("kafka");
        client = kube.client();
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    private void service(String cluster) {
        client.services().inNamespace("kafka").resource(new ServiceBuilder().withNewMetadata().withName(cluster + "-kafka-bootstrap")
                .addToLabels("app.kubernetes.io/managed-by", "kgr").endMetadata().withNewSpec()
                .addNewPort().withName("tcp-replication").withPort(9091).endPort()
                .addNewPort().withName("tcp-plain").withPort(9092).endPort()
                .addNewPort().withName("tcp-scram").withPort(9093).endPort().endSpec().build()).create();
    }

    private void endpoints(String cluster, List<String> ready, List<String> notReady) {
        var subset = new io.fabric8.kubernetes.api.model.EndpointSubsetBuilder()
                .addNewPort().withName("tcp-replication").withPort(9091).endPort()
                .addNewPort().withName("tcp-plain").withPort(19092).endPort();
        ready.forEach(ip -> subset.addNewAddress().withIp(ip).endAddress());
        notReady.forEach(ip -> subset.addNewNotReadyAddress().withIp(ip).endNotReadyAddress());
        client.endpoints().inNamespace("kafka").resource(new EndpointsBuilder().withNewMetadata()
                .withName(cluster + "-kafka-bootstrap").endMetadata().withSubsets(subset.build()).build()).createOr(r -> r.update());
    }

    @Test
    void outsideTheClusterTheReadyEndpointsOnTheFirstListenersPort() {
        service("c1");
        assertThat(KafkaBootstrap.resolve(client, "kafka", Optional.of("c1"), false).why())
                .isEqualTo("no broker is ready behind Service c1-kafka-bootstrap yet");
        endpoints("c1", List.of("10.0.0.2", "10.0.0.1"), List.of("10.0.0.3"));
        var found = KafkaBootstrap.resolve(client, "kafka", Optional.of("c1"), false);
        assertThat(found.servers()).contains("10.0.0.1:19092,10.0.0.2:19092"); // target ports of ready pods only
        assertThat(KafkaBootstrap.resolve(client, "kafka", Optional.empty(), false).servers()).isEqualTo(found.servers());
    }

    @Test
    void insideTheClusterTheServicesDnsName() {
        service("c1");
        assertThat(KafkaBootstrap.resolve(client, "kafka", Optional.of("c1"), true).servers())
                .contains("c1-kafka-bootstrap.kafka.svc:9092");
    }

    @Test
    void aNewClusterHasNoServiceYet() {
        var none = KafkaBootstrap.resolve(client, "kafka", Optional.of("c1"), false);
        assertThat(none.servers()).isEmpty();
        assertThat(none.why()).isEqualTo("no Service c1-kafka-bootstrap in namespace kafka yet");
    }

    @Test
    void severalClustersInOneNamespaceNeedAName() {
        service("c1");
        service("c2");
        assertThatThrownBy(() -> KafkaBootstrap.resolve(client, "kafka", Optional.empty(), false))
                .hasMessageContaining("several Kafka clusters (c1-kafka-bootstrap, c2-kafka-bootstrap)");
        assertThat(KafkaBootstrap.resolve(client, "kafka", Optional.of("c2"), true).servers())
                .contains("c2-kafka-bootstrap.kafka.svc:9092");
    }
}

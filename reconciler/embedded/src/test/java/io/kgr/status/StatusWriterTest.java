package io.kgr.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kgr.PlanRun;
import io.kgr.RunStatus;
import io.kgr.desired.DesiredState;
import io.kgr.desired.DesiredStateBuilder;
import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.model.StrimziKinds;
import io.kgr.observe.KubeObserver;
import io.kgr.observe.LiveState;
import io.kgr.plan.Plan;
import io.kgr.plan.PlanHeader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Kafka mirror's listeners in its status, as Strimzi's are: the bootstrap Service's name for internal listeners, the
 * nodes' addresses and the node port for a nodeport listener, the cluster CA certificate for a TLS listener.
 */
class StatusWriterTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private EmbeddedKubernetes kube;

    @BeforeEach
    void start() throws Exception {
        kube = EmbeddedKubernetes.start("kafka");
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    @Test
    void everyListenerIsInTheStatusWithItsAddressesAndTheTlsOnesWithTheCaCertificate() throws Exception {
        DesiredState desired = DesiredStateBuilder.read(Map.of("kafka.yaml", """
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata: {name: c1}
                spec:
                  kafka:
                    version: 4.1.0
                    listeners:
                      - {name: plain, port: 9092, type: internal, tls: false}
                      - {name: tls, port: 9093, type: internal, tls: true}
                      - {name: external, port: 9094, type: nodeport, tls: false}
                ---
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaNodePool
                metadata: {name: brokers, labels: {strimzi.io/cluster: c1}}
                spec: {replicas: 1, roles: [broker], storage: {type: ephemeral}}
                ---
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaNodePool
                metadata: {name: controllers, labels: {strimzi.io/cluster: c1}}
                spec: {replicas: 1, roles: [controller], storage: {type: ephemeral}}
                """)).state().orElseThrow(() -> new AssertionError("the manifests do not build"));
        var client = kube.client();
        client.secrets().inNamespace("kafka").resource(new SecretBuilder().withNewMetadata().withName("c1-cluster-ca-cert")
                .endMetadata().withData(Map.of("ca.crt", Base64.getEncoder().encodeToString(
                        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.UTF_8))))
                .build()).create();
        client.services().inNamespace("kafka").resource(new ServiceBuilder().withNewMetadata().withName("c1-kafka-external-bootstrap")
                .endMetadata().withNewSpec().withType("NodePort").addNewPort().withPort(9094).withNodePort(31094).endPort()
                .endSpec().build()).create();
        client.pods().inNamespace("kafka").resource(new PodBuilder().withNewMetadata().withName("c1-brokers-0")
                .withLabels(Map.of("strimzi.io/cluster", "c1", "strimzi.io/broker-role", "true", "strimzi.io/pool-name", "brokers",
                        "app.kubernetes.io/managed-by", "kgr")).endMetadata()
                .withNewStatus().withHostIP("10.0.0.7").addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build()).create();
        GenericKubernetesResource mirror = new GenericKubernetesResourceBuilder().withApiVersion(StrimziKinds.API_VERSION)
                .withKind("Kafka").withNewMetadata().withName("c1").withNamespace("kafka")
                .withLabels(Map.of("app.kubernetes.io/managed-by", "kgr", "strimzi.io/cluster", "c1"))
                .withAnnotations(Map.of("kgr.io/source", "src", "kgr.io/file", "kafka.yaml")).endMetadata().build();
        var kafkas = client.genericKubernetesResources(StrimziKinds.of("Kafka").orElseThrow()).inNamespace("kafka");
        kafkas.resource(mirror).create();

        var live = new LiveState("the-cluster-id", new TreeSet<>(List.of(0)), new TreeMap<>());
        PlanHeader header = new PlanHeader("src", "loc", "", "0123456789abcdef", "c1", "", Instant.now(), "f");
        Plan plan = new Plan(header, List.of(), List.of(), List.of(), List.of());
        PlanRun run = new PlanRun(RunStatus.SUCCEEDED, "", Optional.empty(), List.of(), Optional.of(plan),
                Optional.of(new PlanRun.Observed(desired, Optional.of(live), Optional.of(new KubeObserver(client, "kafka").observe()))));
        assertThat(new StatusWriter(client, "kafka", Clock.systemUTC()).write(run, Optional.empty())).isEqualTo(1);

        JsonNode status = JSON.valueToTree(kafkas.withName("c1").get().getAdditionalProperties().get("status"));
        JsonNode listeners = status.path("listeners");
        assertThat(listeners).hasSize(3);
        assertThat(listeners.get(0).path("bootstrapServers").asString()).isEqualTo("c1-kafka-bootstrap.kafka.svc:9092");
        assertThat(listeners.get(0).has("certificates")).isFalse();
        assertThat(listeners.get(1).path("bootstrapServers").asString()).isEqualTo("c1-kafka-bootstrap.kafka.svc:9093");
        assertThat(listeners.get(1).path("certificates").get(0).asString()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(listeners.get(2).path("type").asString()).isEqualTo("nodeport");
        assertThat(listeners.get(2).path("bootstrapServers").asString()).isEqualTo("10.0.0.7:31094");
        assertThat(status.path("clusterId").asString()).isEqualTo("the-cluster-id");
        assertThat(status.path("conditions").get(0).path("status").asString()).isEqualTo("True");
        // the same again writes nothing
        PlanRun again = new PlanRun(RunStatus.SUCCEEDED, "", Optional.empty(), List.of(), Optional.of(plan),
                Optional.of(new PlanRun.Observed(desired, Optional.of(live), Optional.of(new KubeObserver(client, "kafka").observe()))));
        assertThat(new StatusWriter(client, "kafka", Clock.systemUTC()).write(again, Optional.empty())).isZero();
    }
}

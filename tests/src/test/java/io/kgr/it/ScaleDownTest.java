package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.embedded.LocalKubelet;

/**
 * Removing a broker through Git on real brokers (local kubelet): kgr first moves every replica off it — the
 * consumer offsets included — keeping each partition's replication factor, while an acks=all producer writes; only
 * then does the pod go, and its configuration and volume after it. A removal the remaining brokers cannot hold is
 * refused, and nothing of the node changes.
 */
class ScaleDownTest {
    static final String NAME = "shrinking";
    @TempDir Path tmp;

    static void write(Path repo, int brokers) throws java.io.IOException {
        Files.writeString(repo.resolve("cluster.yaml"), """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: shrinking}
                spec:
                  kafka:
                    version: 4.1.0
                    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                    config: {offsets.topic.replication.factor: 3, transaction.state.log.replication.factor: 3,
                             transaction.state.log.min.isr: 2, min.insync.replicas: 2, group.initial.rebalance.delay.ms: 0}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: brokers, labels: {strimzi.io/cluster: shrinking}}
                spec: {replicas: %d, roles: [broker], storage: {type: persistent-claim, size: 1Gi, deleteClaim: true}}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: controllers, labels: {strimzi.io/cluster: shrinking}}
                spec: {replicas: 1, roles: [controller], storage: {type: persistent-claim, size: 1Gi}}
                """.formatted(brokers));
        Files.writeString(repo.resolve("topic.yaml"), Manifests.topic(RollingCluster.TOPIC, NAME, RollingCluster.PARTITIONS, 3,
                Map.of("min.insync.replicas", 2)));
    }

    static List<Integer> replicasOf(TopicDescription d) {
        return d.partitions().stream().flatMap(p -> p.replicas().stream()).map(Node::id).distinct().sorted().toList();
    }

    @Test
    void aLeavingBrokerIsDrainedUnderLoadBeforeItGoesAndARemovalThatCannotKeepReplicasIsRefused() throws Exception {
        EmbeddedKubernetes kube = EmbeddedKubernetes.start("kafka");
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Path kubeconfig = kube.writeKubeconfig(tmp.resolve("kubeconfig"));
        write(repo, 4);
        String bootstrap = LocalKubelet.address(NAME, 0) + ":9092," + LocalKubelet.address(NAME, 1) + ":9092";
        KubernetesClient client = kube.client();
        try (kube; LocalKubelet kubelet = new LocalKubelet(client, "kafka", tmp.resolve("data"), System.getProperty("java.class.path")).start();
             Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            var up = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "180");
            assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
            var topics = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "180");
            assertThat(topics.exitCode()).as(topics.out() + topics.err()).isZero();
            // a consumer group's first lookup creates __consumer_offsets: 50 partitions, RF 3, on all four brokers
            Properties group = new Properties();
            group.put("bootstrap.servers", bootstrap);
            group.put("group.id", "shrink-test");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(group, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(RollingCluster.TOPIC));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline && consumer.assignment().isEmpty()) consumer.poll(Duration.ofMillis(200));
            }
            TopicDescription offsets = admin.describeTopics(List.of("__consumer_offsets")).allTopicNames().get().get("__consumer_offsets");
            assertThat(replicasOf(offsets)).as("broker 3 hosts consumer offsets").contains(3);

            RollingCluster.Traffic traffic = RollingCluster.Traffic.start(bootstrap, "shrink");
            Thread.sleep(2000);
            write(repo, 3);
            var plan = Kgr.onKubernetes(repo, kubeconfig, null, "plan");
            assertThat(plan.out()).contains("~ move replicas of topic __consumer_offsets off broker(s) [3]", "- delete Pod shrinking-brokers-3");
            var down = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "180", "-o", "json");
            Thread.sleep(2000);
            RollingCluster.Sent sent = traffic.stop();
            assertThat(down.exitCode()).as(down.out() + down.err()).isZero();
            assertThat(down.applied()).containsSubsequence("move-replicas:__consumer_offsets",
                    "delete-kube-object:Pod/shrinking-brokers-3", "delete-kube-object:ConfigMap/shrinking-brokers-3",
                    "delete-kube-object:PersistentVolumeClaim/data-shrinking-brokers-3");

            for (String t : List.of("__consumer_offsets", RollingCluster.TOPIC)) {
                TopicDescription d = admin.describeTopics(List.of(t)).allTopicNames().get().get(t);
                assertThat(d.partitions()).as(t).allSatisfy(p -> assertThat(p.replicas()).hasSize(3)
                        .extracting(Node::id).doesNotContain(3));
            }
            RollingCluster.Check check = RollingCluster.check(sent, RollingCluster.readBack(bootstrap, "shrink"));
            System.out.printf("scale-down 4 → 3 under load: %d messages acknowledged, %d producer errors, longest stall %d ms%n",
                    sent.total(), sent.errors(), sent.longestStallMs());
            assertThat(sent.total()).isGreaterThan(100);
            assertThat(check.missing()).as("acknowledged but not read back").isZero();
            assertThat(client.pods().inNamespace("kafka").withName("shrinking-brokers-3").get()).isNull();
            assertThat(Kgr.onKubernetes(repo, kubeconfig, null, "plan", "-o", "json").changes()).isEmpty();

            // 3 → 2 cannot keep RF 3: the repository alone proves it (a topic of replicas 3), so it fails validation,
            // and the node keeps its pod, configuration and volume
            write(repo, 2);
            var refused = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "60");
            assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
            assertThat(refused.err()).contains("replicas 3 is more than the 2 broker(s) cluster shrinking declares");
            assertThat(client.pods().inNamespace("kafka").withName("shrinking-brokers-2").get()).isNotNull();
            assertThat(client.configMaps().inNamespace("kafka").withName("shrinking-brokers-2").get()).isNotNull();
            assertThat(client.persistentVolumeClaims().inNamespace("kafka").withName("data-shrinking-brokers-2").get()).isNotNull();
        }
    }
}

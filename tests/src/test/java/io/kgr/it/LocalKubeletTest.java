package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.embedded.LocalKubelet;

/**
 * Pods that are real brokers: kgr plans a KRaft cluster (a controller pool and a broker pool) into the mock API server,
 * the local kubelet runs each pod as a Kafka JVM on its own loopback address, and kgr then manages topics on the
 * cluster it created itself. Deleting a pod stops its broker; its volume folder stays for the pod that replaces it.
 * Scaling the broker pool down is refused while the leaving broker holds replicas, and goes through once the same
 * commit lowers the topic's replicas: the reassignment empties the broker before its pod and registration go. A drain
 * that outlasts its apply keeps its throttle; when the leaving broker's pod is lost meanwhile, the next run makes it
 * again (its partition's only copy is there), and the node goes once the moves are done.
 */
class LocalKubeletTest {
    @TempDir Path tmp;

    @Test
    void aClusterFromGitRunsAsRealBrokersAndKgrManagesItsTopics() throws Exception {
        EmbeddedKubernetes kube = EmbeddedKubernetes.start("kafka");
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        writeCluster(repo, 2);
        Path kubeconfig = kube.writeKubeconfig(tmp.resolve("kubeconfig"));
        // kgr is given no bootstrap address: it reaches the brokers through the cluster's bootstrap Service
        String bootstrap = LocalKubelet.address("real", 0) + ":9092," + LocalKubelet.address("real", 1) + ":9092";
        KubernetesClient client = kube.client();
        try (kube; LocalKubelet kubelet = new LocalKubelet(client, "kafka", tmp.resolve("data"), System.getProperty("java.class.path")).start()) {
            Kgr.Result first = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "120");
            assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
            assertThat(first.out()).contains("+ create pod real-brokers-0").contains("+ create pod real-controllers-2")
                    .contains("does not answer yet (no Service *-kafka-bootstrap made by kgr in namespace kafka yet)");

            // the bootstrap Service leads to the ready brokers, as cluster DNS would: clients to the first listener,
            // kgr to the replication listener, with its own certificate
            await().atMost(Duration.ofSeconds(10)).until(() -> io.kgr.observe.KafkaBootstrap.forClients(client, "kafka",
                    java.util.Optional.of("real"), false).servers().equals(java.util.Optional.of(bootstrap)));
            var asKgr = io.kgr.observe.KafkaBootstrap.resolve(client, "kafka", java.util.Optional.of("real"), false);
            assertThat(asKgr.servers()).contains(bootstrap.replace(":9092", ":9091"));
            assertThat(asKgr.security()).containsEntry("security.protocol", "SSL").containsKey("ssl.keystore.key");

            // the brokers are real: kgr's next run reaches them and creates the topic Git declares
            Files.writeString(repo.resolve("topic.yaml"), Manifests.topic("on-real-brokers", "real", 4, 2, Map.of()));
            Kgr.Result second = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "120",
                    "-o", "json");
            assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
            assertThat(second.applied()).contains("create-topic:on-real-brokers");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(admin.describeCluster().nodes().get()).extracting(n -> n.host()).containsExactlyInAnyOrder(
                        LocalKubelet.address("real", 0), LocalKubelet.address("real", 1));
                var partitions = admin.describeTopics(List.of("on-real-brokers")).allTopicNames().get()
                        .get("on-real-brokers").partitions();
                assertThat(partitions).hasSize(4).allSatisfy(p -> assertThat(p.isr()).hasSize(2));

                // a deleted pod's broker stops, and the pod becomes ready again only when its replacement answers
                client.pods().inNamespace("kafka").withName("real-brokers-1").delete();
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeCluster().nodes().get().size() == 1);
            }
            assertThat(tmp.resolve("data/volumes/data-real-brokers-1")).isDirectory(); // the claim's data outlives its pod
            Kgr.Result heal = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "120");
            assertThat(heal.exitCode()).as(heal.out() + heal.err()).isZero();
            assertThat(heal.out()).contains("+ create pod real-brokers-1");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeTopics(List.of("on-real-brokers"))
                        .allTopicNames().get().get("on-real-brokers").partitions().stream().allMatch(p -> p.isr().size() == 2));
            }

            // the controller's pod is deleted (an eviction): the pools still declare it, so the next run recreates it on
            // its volume rather than refusing a "quorum change"
            client.pods().inNamespace("kafka").withName("real-controllers-2").delete();
            await().atMost(Duration.ofSeconds(60)).until(() -> client.pods().inNamespace("kafka").withName("real-controllers-2").get() == null);
            Kgr.Result controller = Kgr.onKubernetes(repo, kubeconfig, bootstrap, "apply", "--auto-approve", "--pod-ready-timeout", "120");
            assertThat(controller.exitCode()).as(controller.out() + controller.err()).isZero();
            assertThat(controller.out()).contains("+ create pod real-controllers-2").doesNotContain("quorum would change");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                        admin.describeMetadataQuorum().quorumInfo().get().leaderId() == 2);
            }

            // a broker that dies behind kgr's back is restarted by the kubelet (restartPolicy Always), on its own data
            kubelet.kill("real-brokers-0");
            await().atMost(Duration.ofSeconds(20)).until(() -> !io.kgr.embedded.PodSimulator.ready(
                    client.pods().inNamespace("kafka").withName("real-brokers-0").get()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var pod = client.pods().inNamespace("kafka").withName("real-brokers-0").get();
                return io.kgr.embedded.PodSimulator.ready(pod) && pod.getStatus().getContainerStatuses().get(0).getRestartCount() == 1;
            });

            // readiness is the broker's state (kgr's agent in the broker's JVM), not an open port: a broker told to stop
            // while its controller is away waits to be let go with its listeners still open, and its pod is NotReady
            // (out of the bootstrap Service) at once; once it runs again, its agent says so
            String broker0 = LocalKubelet.address("real", 0);
            assertThat(agent(broker0, "/v1/broker-state").body()).isEqualTo("{\"brokerState\":3}");
            kubelet.crash("real-controllers-2");
            kubelet.terminate("real-brokers-0");
            await().atMost(Duration.ofSeconds(10)).until(() -> !io.kgr.embedded.PodSimulator.ready(
                    client.pods().inNamespace("kafka").withName("real-brokers-0").get()));
            assertThat(answers(broker0, 9091)).as("the stopping broker's replication port is still open").isTrue();
            assertThat(agent(broker0, "/v1/ready").statusCode()).isEqualTo(503);
            kubelet.kill("real-brokers-0");
            kubelet.bringBack("real-controllers-2");
            await().atMost(Duration.ofSeconds(120)).until(() -> client.pods().inNamespace("kafka").list().getItems().stream()
                    .allMatch(io.kgr.embedded.PodSimulator::ready));
            assertThat(agent(broker0, "/v1/broker-state").body()).isEqualTo("{\"brokerState\":3}");

            // scale the broker pool up (the new broker gets the lowest free id, 3) and spread a topic over all three
            writeCluster(repo, 3);
            Files.writeString(repo.resolve("draining.yaml"), Manifests.topic("draining", "real", 3, 3, Map.of()));
            Kgr.Result up = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "120",
                    "-o", "json");
            assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
            assertThat(up.applied()).contains("create-pod:real-brokers-3", "create-topic:draining");

            // scaling down again while a topic keeps 3 replicas fails validation (the repository alone proves it), and
            // nothing is removed (the plan's refusal of a node that still hosts replicas: KubeClusterTest)
            writeCluster(repo, 2);
            Kgr.Result refused = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "120");
            assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
            assertThat(refused.err()).contains("replicas 3 is more than the 2 broker(s) cluster real declares");
            assertThat(client.pods().inNamespace("kafka").withName("real-brokers-3").get()).isNotNull();

            // the same scale-down with the topic's replicas lowered in the same commit, and a partition whose only copy
            // is on broker 3 (made by another tool): its move is throttled to 1 byte/s, so the drain outlasts the apply
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("only-on-3", Map.of(0, List.of(3)))))
                        .all().get();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.describeTopics(List.of("only-on-3"))
                        .allTopicNames().get().get("only-on-3").partitions().get(0).leader() != null);
            }
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(Map.of("bootstrap.servers",
                    bootstrap, "acks", "all"), new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                for (int i = 0; i < 16; i++) {
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("only-on-3", new byte[65536]));
                }
                producer.flush();
            }
            Files.writeString(repo.resolve("draining.yaml"), Manifests.topic("draining", "real", 3, 2, Map.of()));
            Kgr.Result slow = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "120",
                    "--replication-throttle", "1", "--reassignment-timeout", "5", "-o", "json");
            assertThat(slow.exitCode()).as(slow.all()).isEqualTo(1);
            assertThat(slow.outcomes()).containsEntry("move-replicas:only-on-3", "failed")
                    .containsEntry("delete-kube-object:Pod/real-brokers-3", "skipped");
            assertThat(slow.message("move-replicas:only-on-3")).contains("throttles kept (and recorded)");

            // the leaving broker's pod is lost mid-drain (an eviction): its partition's only copy would stay offline and
            // the move stalled, so the next run makes the pod again (on its volume) and removes nothing yet
            client.pods().inNamespace("kafka").withName("real-brokers-3").delete();
            await().atMost(Duration.ofSeconds(60)).until(() -> client.pods().inNamespace("kafka").withName("real-brokers-3").get() == null);
            Kgr.Result heal3 = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "120",
                    "-o", "json");
            assertThat(heal3.applied()).as(heal3.all()).contains("create-pod:real-brokers-3");
            assertThat(heal3.steps()).noneMatch(id -> id.startsWith("delete-kube-object:"));
            assertThat(heal3.notes()).anyMatch(n -> n.contains("still moving"));

            // an operator lets the move finish; then the node goes: pod, registration, volume, and kgr's throttles
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                var faster = List.of(new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(
                                "leader.replication.throttled.rate", "104857600"), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET),
                        new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(
                                "follower.replication.throttled.rate", "104857600"), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET));
                Map<org.apache.kafka.common.config.ConfigResource, java.util.Collection<org.apache.kafka.clients.admin.AlterConfigOp>> raise =
                        new java.util.HashMap<>();
                for (String b : List.of("0", "1", "3")) {
                    raise.put(new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.BROKER, b), faster);
                }
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                    admin.incrementalAlterConfigs(raise).all().get();
                    return true;
                });
                await().atMost(Duration.ofSeconds(90)).until(() -> admin.listPartitionReassignments().reassignments().get().isEmpty());
            }
            Kgr.Result down = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "120",
                    "-o", "json");
            assertThat(down.exitCode()).as(down.out() + down.err()).isZero();
            assertThat(down.applied()).as(down.all()).contains("delete-kube-object:Pod/real-brokers-3")
                    .anyMatch(id -> id.startsWith("remove-throttles:"));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(admin.describeCluster().nodes().get()).extracting(n -> n.id()).containsExactlyInAnyOrder(0, 1);
                assertThat(admin.describeTopics(List.of("draining")).allTopicNames().get().get("draining").partitions())
                        .allSatisfy(p -> assertThat(p.replicas()).extracting(n -> n.id()).containsExactlyInAnyOrder(0, 1));
                assertThat(admin.describeTopics(List.of("only-on-3")).allTopicNames().get().get("only-on-3").partitions())
                        .allSatisfy(p -> assertThat(p.replicas()).extracting(n -> n.id()).doesNotContain(3));
                // every record the other tool wrote is still there, read from the brokers that stay
                assertThat(admin.listOffsets(Map.of(new org.apache.kafka.common.TopicPartition("only-on-3", 0),
                        org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().values().iterator().next().offset())
                        .isEqualTo(16);
                // KRaft forgot the removed broker: it is no longer registered, not just fenced
                assertThat(admin.describeCluster(new org.apache.kafka.clients.admin.DescribeClusterOptions()
                        .includeFencedBrokers(true)).nodes().get()).extracting(n -> n.id()).containsExactlyInAnyOrder(0, 1);
            }
            assertThat(client.pods().inNamespace("kafka").withName("real-brokers-3").get()).isNull();
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(tmp.resolve("data/volumes/data-real-brokers-3")));
            assertThat(Kgr.onKubernetes(repo, kubeconfig, null, "plan", "-o", "json").changes()).isEmpty();
        }
    }

    /** A GET to the agent in a broker's JVM, on the pod's address (as the kubelet probes it). */
    private static HttpResponse<String> agent(String address, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + address + ":8080" + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean answers(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeCluster(Path repo, int brokers) throws java.io.IOException {
        Files.writeString(repo.resolve("cluster.yaml"), """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: real}
                spec:
                  kafka:
                    version: 4.1.0
                    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                    config: {offsets.topic.replication.factor: 2, transaction.state.log.replication.factor: 2,
                             transaction.state.log.min.isr: 1, group.initial.rebalance.delay.ms: 0}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: brokers, labels: {strimzi.io/cluster: real}}
                spec: {replicas: %d, roles: [broker], storage: {type: persistent-claim, size: 1Gi, deleteClaim: true}}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: controllers, labels: {strimzi.io/cluster: real}}
                spec: {replicas: 1, roles: [controller], storage: {type: persistent-claim, size: 1Gi}}
                """.formatted(brokers));
    }
}

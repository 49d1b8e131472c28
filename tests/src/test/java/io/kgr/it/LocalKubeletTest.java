package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kgr.cli.Main;
import io.kgr.demo.LocalKubelet;

/**
 * Pods that are real brokers: kgr plans a KRaft cluster (a controller pool and a broker pool) into the mock API server,
 * the local kubelet runs each pod as a Kafka JVM on its own loopback address, and kgr then manages topics on the
 * cluster it created itself. Deleting a pod stops its broker; its volume folder stays for the pod that replaces it.
 */
class LocalKubeletTest {
    @TempDir Path tmp;

    @Test
    void aClusterFromGitRunsAsRealBrokersAndKgrManagesItsTopics() throws Exception {
        var podSets = new io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext.Builder().withGroup("kgr.io")
                .withVersion("v1alpha1").withKind("PodSet").withPlural("podsets").withScope("Namespaced").build();
        KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
                new io.fabric8.mockwebserver.MockWebServer(), new java.util.HashMap<>(), new KubernetesCrudDispatcher(List.of(podSets)), false);
        server.init();
        Path repo = Files.createDirectories(tmp.resolve("repo"));
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
                spec: {replicas: 2, roles: [broker], storage: {type: persistent-claim, size: 1Gi}}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: controllers, labels: {strimzi.io/cluster: real}}
                spec: {replicas: 1, roles: [controller], storage: {type: persistent-claim, size: 1Gi}}
                """);
        Path kubeconfig = tmp.resolve("kubeconfig");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: "
                + server.url("/").replaceAll("/$", "") + "\ncontexts:\n- name: mock\n  context: {cluster: mock, user: mock}\n"
                + "current-context: mock\nusers:\n- name: mock\n  user: {token: test}\n");
        String bootstrap = LocalKubelet.address(0) + ":9092," + LocalKubelet.address(1) + ":9092";
        try (KubernetesClient client = server.createClient();
             LocalKubelet kubelet = new LocalKubelet(client, "kafka", tmp.resolve("data"), System.getProperty("java.class.path")).start()) {
            Run first = kgr(repo, kubeconfig, bootstrap, "apply", "--auto-approve", "--pod-ready-timeout", "120", "--timeout", "5");
            assertThat(first.code()).as(first.out() + first.err()).isZero();
            assertThat(first.out()).contains("+ create pod real-brokers-0").contains("+ create pod real-controllers-2")
                    .contains("does not answer yet");

            // the brokers are real: kgr's next run reaches them and creates the topic Git declares
            Files.writeString(repo.resolve("topic.yaml"), Manifests.topic("on-real-brokers", "real", 4, 2, Map.of()));
            Run second = kgr(repo, kubeconfig, bootstrap, "apply", "--auto-approve", "--pod-ready-timeout", "120");
            assertThat(second.code()).as(second.out() + second.err()).isZero();
            assertThat(second.out()).contains("ok      create-topic:on-real-brokers");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(admin.describeCluster().nodes().get()).extracting(n -> n.host()).containsExactlyInAnyOrder(
                        LocalKubelet.address(0), LocalKubelet.address(1));
                var partitions = admin.describeTopics(List.of("on-real-brokers")).allTopicNames().get()
                        .get("on-real-brokers").partitions();
                assertThat(partitions).hasSize(4).allSatisfy(p -> assertThat(p.isr()).hasSize(2));

                // a deleted pod's broker stops, and the pod becomes ready again only when its replacement answers
                client.pods().inNamespace("kafka").withName("real-brokers-1").delete();
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeCluster().nodes().get().size() == 1);
            }
            assertThat(tmp.resolve("data/volumes/data-real-brokers-1")).isDirectory(); // the claim's data outlives its pod
            Run heal = kgr(repo, kubeconfig, bootstrap, "apply", "--auto-approve", "--pod-ready-timeout", "120");
            assertThat(heal.code()).as(heal.out() + heal.err()).isZero();
            assertThat(heal.out()).contains("+ create pod real-brokers-1");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeTopics(List.of("on-real-brokers"))
                        .allTopicNames().get().get("on-real-brokers").partitions().stream().allMatch(p -> p.isr().size() == 2));
            }
        } finally {
            server.destroy();
        }
    }

    record Run(int code, String out, String err) {
    }

    static Run kgr(Path repo, Path kubeconfig, String bootstrap, String command, String... extra) {
        List<String> args = new ArrayList<>(List.of(command, "--repo", repo.toString(), "--bootstrap-server", bootstrap,
                "--namespace", "kafka", "--kubeconfig", kubeconfig.toString()));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }
}

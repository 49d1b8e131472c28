package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kgr.cli.Main;
import io.kgr.observe.KubeObserver;

/**
 * The cluster scenario on a real Kubernetes (k3s in Docker) where one exists: kgr creates a KRaft cluster's pod sets,
 * and the pods are real brokers (apache/kafka) that must become Ready; the same commit again plans no Kubernetes
 * change. Skipped, with the reason shown, on machines without a Docker engine (like this project's CI); the mock API
 * server suite (KubeClusterTest) runs everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class KubeClusterK3sTest {
    @Container
    static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

    @TempDir Path tmp;

    @Test
    void aKraftClusterComesUpOnRealKubernetesAndStaysUnchanged() throws Exception {
        Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), K3S.getKubeConfigYaml());
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build()) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("kafka").endMetadata().build()).create();
            Path crd = Path.of(System.getProperty("kgr.samples")).resolve("../deploy/crds/podsets.kgr.io.yaml");
            client.apiextensions().v1().customResourceDefinitions().resource(client.getKubernetesSerialization()
                    .unmarshal(Files.readString(crd), CustomResourceDefinition.class)).create();

            Path repo = Files.createDirectories(tmp.resolve("repo"));
            Files.writeString(repo.resolve("kafka.yaml"), """
                    apiVersion: kafka.strimzi.io/v1beta2
                    kind: Kafka
                    metadata: {name: k3s}
                    spec:
                      kafka:
                        version: 4.1.0
                        listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                        config: {offsets.topic.replication.factor: 3, min.insync.replicas: 2}
                    ---
                    apiVersion: kafka.strimzi.io/v1beta2
                    kind: KafkaNodePool
                    metadata: {name: dual, labels: {strimzi.io/cluster: k3s}}
                    spec: {replicas: 3, roles: [broker, controller], storage: {type: ephemeral}}
                    """);
            String[] common = {"--repo", repo.toString(), "--bootstrap-server", "127.0.0.1:1", "--timeout", "5",
                    "--namespace", "kafka", "--kubeconfig", kubeconfig.toString()};
            StringWriter out = new StringWriter();
            int code = Main.run(new PrintWriter(out), new PrintWriter(out), concat(new String[] {"apply", "--auto-approve",
                    "--pod-ready-timeout", "600"}, common));
            assertThat(code).as(out.toString()).isZero();
            assertThat(client.genericKubernetesResources(KubeObserver.POD_SETS).inNamespace("kafka").list().getItems()).hasSize(1);
            assertThat(client.pods().inNamespace("kafka").list().getItems()).hasSize(3);

            StringWriter again = new StringWriter();
            int planned = Main.run(new PrintWriter(again), new PrintWriter(again),
                    concat(new String[] {"plan", "--detailed-exitcode"}, common));
            assertThat(planned).as(again.toString()).isZero();
            assertThat(again.toString()).contains("No changes");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.embedded.PodSimulator;

/**
 * A broker whose removal stopped between its pod's end and its unregistration (a kill, a lost lease, a failed call)
 * stays registered with the cluster, fenced, for good. On a real in-process cluster whose broker 1 was shut down and
 * that Git no longer declares, the next run unregisters it, as the removal would have, and then plans nothing.
 */
class StrandedRegistrationTest {
    @TempDir Path tmp;

    @Test
    void aRemovedBrokersLeftRegistrationIsRemovedByTheNextRun() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(2); Admin admin = kafka.admin();
             EmbeddedKubernetes kube = EmbeddedKubernetes.start("kafka"); PodSimulator pods = new PodSimulator(kube.client()).start()) {
            kafka.stopBroker(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeCluster(new DescribeClusterOptions()
                    .includeFencedBrokers(true)).nodes().get().stream().anyMatch(n -> n.id() == 1 && n.isFenced()));

            Path repo = Files.createDirectories(tmp.resolve("repo"));
            // Git declares broker 0 and a controller with id 5: node 1 was removed
            Files.writeString(repo.resolve("kafka.yaml"), """
                    apiVersion: kafka.strimzi.io/v1beta2
                    kind: Kafka
                    metadata: {name: c1}
                    spec:
                      kafka:
                        version: 4.1.0
                        listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                    ---
                    apiVersion: kafka.strimzi.io/v1beta2
                    kind: KafkaNodePool
                    metadata: {name: brokers, labels: {strimzi.io/cluster: c1}}
                    spec: {replicas: 1, roles: [broker], storage: {type: ephemeral}}
                    ---
                    apiVersion: kafka.strimzi.io/v1beta2
                    kind: KafkaNodePool
                    metadata:
                      name: controllers
                      labels: {strimzi.io/cluster: c1}
                      annotations: {strimzi.io/next-node-ids: "[5]"}
                    spec: {replicas: 1, roles: [controller], storage: {type: ephemeral}}
                    """);
            Path kubeconfig = kube.writeKubeconfig(tmp.resolve("kubeconfig"));
            Kgr.Result plan = Kgr.onKubernetes(repo, kubeconfig, kafka.bootstrapServers(), "plan", "-o", "json");
            assertThat(plan.steps()).as(plan.all()).contains("unregister-broker:1");

            Kgr.Result applied = Kgr.onKubernetes(repo, kubeconfig, kafka.bootstrapServers(), "apply", "--auto-approve",
                    "--pod-ready-timeout", "30", "-o", "json");
            assertThat(applied.exitCode()).as(applied.all()).isZero();
            assertThat(applied.applied()).contains("unregister-broker:1");
            assertThat(admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true)).nodes().get())
                    .extracting(Node::id).containsExactly(0);
            Kgr.Result again = Kgr.onKubernetes(repo, kubeconfig, kafka.bootstrapServers(), "plan", "-o", "json");
            assertThat(again.changes()).as(again.all()).isEmpty();
        }
    }
}

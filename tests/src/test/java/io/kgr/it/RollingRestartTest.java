package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.embedded.LocalKubelet;

/**
 * The reliability proof: a 3-broker cluster that kgr created from Git runs as real brokers (local kubelet); an
 * idempotent producer with acks=all writes numbered messages to a topic with RF 3 and min.insync.replicas=2 while a Git
 * change that needs a restart makes kgr roll every node, one at a time. Every acknowledged message must then be read
 * back exactly once, in order per partition.
 */
class RollingRestartTest {
    @TempDir Path tmp;

    @Test
    void aRollUnderLoadLosesNothing() throws Exception {
        EmbeddedKubernetes kube = EmbeddedKubernetes.start("kafka");
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Path kubeconfig = kube.writeKubeconfig(tmp.resolve("kubeconfig"));
        RollingCluster.write(repo, "");
        String bootstrap = RollingCluster.BOOTSTRAP;
        KubernetesClient client = kube.client();
        try (kube; LocalKubelet kubelet = new LocalKubelet(client, "kafka", tmp.resolve("data"), System.getProperty("java.class.path")).start()) {
            var up = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "180");
            assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
            var topics = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "180");
            assertThat(topics.exitCode()).as(topics.out() + topics.err()).isZero();

            RollingCluster.Traffic traffic = RollingCluster.Traffic.start(bootstrap, "roll");
            Thread.sleep(3000);
            RollingCluster.write(repo, "num.replica.alter.log.dirs.threads: 2");
            long rollStart = System.nanoTime();
            var roll = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "180");
            long rollSeconds = (System.nanoTime() - rollStart) / 1_000_000_000L;
            Thread.sleep(3000);
            RollingCluster.Sent sent = traffic.stop();
            assertThat(roll.exitCode()).as(roll.out() + roll.err()).isZero();
            Map<String, Double> rolled = RollingCluster.rollSeconds(roll.out());
            assertThat(rolled.keySet()).as(roll.out())
                    .containsExactly("rolling-brokers-0", "rolling-brokers-1", "rolling-brokers-2", "rolling-controllers-3");

            RollingCluster.Check check = RollingCluster.check(sent, RollingCluster.readBack(bootstrap, "roll"));
            System.out.printf("rolling restart: %d messages acknowledged, %d producer errors, longest stall %d ms, roll of 4 nodes %d s %s%n",
                    sent.total(), sent.errors(), sent.longestStallMs(), rollSeconds, rolled);
            assertThat(sent.total()).isGreaterThan(100);
            // exactly once and in order: each partition holds the acknowledged numbers, ascending, none twice
            assertThat(check.missing()).as("acknowledged but not read back").isZero();
            assertThat(check.duplicates()).as("read back twice").isZero();
            assertThat(check.outOfOrderPartitions()).as("partitions out of order").isEmpty();

            // safety: a broker crashes behind kgr's back and stays down; a change that needs a roll must not restart a
            // broker whose partitions would fall below min.insync.replicas, and converges once the broker is back
            kubelet.crash("rolling-brokers-2");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !io.kgr.embedded.PodSimulator.ready(
                    client.pods().inNamespace("kafka").withName("rolling-brokers-2").get()));
            RollingCluster.write(repo, "num.replica.alter.log.dirs.threads: 3");
            var unsafe = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "20",
                    "-o", "json");
            assertThat(unsafe.exitCode()).isEqualTo(1);
            assertThat(unsafe.outcomes()).as(unsafe.all())
                    .containsEntry("roll-pod:rolling-brokers-2", "failed")   // restarted first (not ready), stays down
                    .containsEntry("roll-pod:rolling-brokers-0", "failed")
                    .containsEntry("roll-pod:rolling-brokers-1", "skipped");
            // refused by whichever check sees it first: the partitions that would fall below min.insync.replicas
            // (named), or, while broker 2 is still counted in-sync, the pod that is not ready
            assertThat(unsafe.message("roll-pod:rolling-brokers-0")).satisfiesAnyOf(
                    why -> assertThat(why).contains("below min.insync.replicas:").contains("reliable-0, reliable-1"),
                    why -> assertThat(why).contains("while rolling-brokers-2 is not ready"));
            try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(2); // brokers 0 and 1 were not restarted
            }
            kubelet.bringBack("rolling-brokers-2");
            var healed = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "180");
            assertThat(healed.exitCode()).as(healed.out() + healed.err()).isZero();
            assertThat(Kgr.onKubernetes(repo, kubeconfig, null, "plan", "-o", "json").changes()).isEmpty();
        }
    }
}

package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kgr.demo.LocalKubelet;

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
        var podSets = new io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext.Builder().withGroup("kgr.io")
                .withVersion("v1alpha1").withKind("PodSet").withPlural("podsets").withScope("Namespaced").build();
        KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
                new io.fabric8.mockwebserver.MockWebServer(), new java.util.HashMap<>(), new KubernetesCrudDispatcher(List.of(podSets)), false);
        server.init();
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Path kubeconfig = tmp.resolve("kubeconfig");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: "
                + server.url("/").replaceAll("/$", "") + "\ncontexts:\n- name: mock\n  context: {cluster: mock, user: mock}\n"
                + "current-context: mock\nusers:\n- name: mock\n  user: {token: test}\n");
        writeCluster(repo, "");
        Files.writeString(repo.resolve("topic.yaml"), Manifests.topic("reliable", "rolling", 6, 3, Map.of("min.insync.replicas", 2)));
        String bootstrap = LocalKubelet.address(0) + ":9092," + LocalKubelet.address(1) + ":9092," + LocalKubelet.address(2) + ":9092";
        try (KubernetesClient client = server.createClient();
             LocalKubelet kubelet = new LocalKubelet(client, "kafka", tmp.resolve("data"), System.getProperty("java.class.path")).start()) {
            var up = LocalKubeletTest.kgr(repo, kubeconfig, bootstrap, "apply", "--auto-approve", "--pod-ready-timeout", "180", "--timeout", "5");
            assertThat(up.code()).as(up.out() + up.err()).isZero();
            var topics = LocalKubeletTest.kgr(repo, kubeconfig, bootstrap, "apply", "--auto-approve", "--pod-ready-timeout", "180");
            assertThat(topics.code()).as(topics.out() + topics.err()).isZero();

            Map<Integer, List<Long>> acked = new ConcurrentHashMap<>();
            AtomicInteger errors = new AtomicInteger();
            AtomicLong longestStallMs = new AtomicLong();
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread producer = new Thread(() -> produce(bootstrap, acked, errors, longestStallMs, producing), "producer");
            producer.start();
            Thread.sleep(3000);

            writeCluster(repo, "num.replica.alter.log.dirs.threads: 2");
            long rollStart = System.nanoTime();
            var roll = LocalKubeletTest.kgr(repo, kubeconfig, bootstrap, "apply", "--auto-approve", "--pod-ready-timeout", "180");
            long rollSeconds = (System.nanoTime() - rollStart) / 1_000_000_000L;
            Thread.sleep(3000);
            producing.set(false);
            producer.join(60_000);
            assertThat(roll.code()).as(roll.out() + roll.err()).isZero();
            List<String> rolled = roll.out().lines().filter(l -> l.contains("ok      roll-pod:"))
                    .map(l -> l.replaceAll(".*roll-pod:(\\S+).*", "$1")).toList();
            assertThat(rolled).containsExactly("rolling-brokers-0", "rolling-brokers-1", "rolling-brokers-2", "rolling-controllers-3");

            Map<Integer, List<Long>> read = consume(bootstrap);
            long total = acked.values().stream().mapToLong(List::size).sum();
            System.out.printf("rolling restart: %d messages acknowledged, %d producer errors, longest stall %d ms, roll of 4 nodes %d s%n",
                    total, errors.get(), longestStallMs.get(), rollSeconds);
            assertThat(total).isGreaterThan(100);
            for (var e : acked.entrySet()) {
                List<Long> sent = new ArrayList<>(e.getValue());
                Collections.sort(sent);
                List<Long> got = read.getOrDefault(e.getKey(), List.of());
                // exactly once and in order: the partition holds the acknowledged numbers, ascending, no duplicates
                assertThat(got).as("partition " + e.getKey()).isSorted().doesNotHaveDuplicates().containsAll(sent);
            }

            // safety: a broker crashes behind kgr's back and stays down; a change that needs a roll must not restart a
            // broker whose partitions would fall below min.insync.replicas, and converges once the broker is back
            kubelet.crash("rolling-brokers-2");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !io.kgr.demo.PodSimulator.ready(
                    client.pods().inNamespace("kafka").withName("rolling-brokers-2").get()));
            writeCluster(repo, "num.replica.alter.log.dirs.threads: 3");
            var unsafe = LocalKubeletTest.kgr(repo, kubeconfig, bootstrap, "apply", "--auto-approve", "--pod-ready-timeout", "20");
            assertThat(unsafe.code()).isEqualTo(1);
            assertThat(unsafe.out()).as(unsafe.out())
                    .contains("FAILED  roll-pod:rolling-brokers-2")          // restarted first (not ready), stays down
                    .contains("FAILED  roll-pod:rolling-brokers-0")
                    .contains("below min.insync.replicas:").contains("reliable-0, reliable-1") // the partitions are named
                    .contains("skipped roll-pod:rolling-brokers-1");
            try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(2); // brokers 0 and 1 were not restarted
            }
            kubelet.bringBack("rolling-brokers-2");
            var healed = LocalKubeletTest.kgr(repo, kubeconfig, bootstrap, "apply", "--auto-approve", "--pod-ready-timeout", "180");
            assertThat(healed.code()).as(healed.out() + healed.err()).isZero();
            assertThat(LocalKubeletTest.kgr(repo, kubeconfig, bootstrap, "plan").out()).contains("No changes");
        } finally {
            server.destroy();
        }
    }

    private static void writeCluster(Path repo, String extraConfig) throws Exception {
        Files.writeString(repo.resolve("cluster.yaml"), """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: rolling}
                spec:
                  kafka:
                    version: 4.1.0
                    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                    config:
                      offsets.topic.replication.factor: 3
                      transaction.state.log.replication.factor: 3
                      transaction.state.log.min.isr: 2
                      min.insync.replicas: 2
                %s
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: brokers, labels: {strimzi.io/cluster: rolling}}
                spec: {replicas: 3, roles: [broker], storage: {type: persistent-claim, size: 1Gi}}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: controllers, labels: {strimzi.io/cluster: rolling}}
                spec: {replicas: 1, roles: [controller], storage: {type: persistent-claim, size: 1Gi}}
                """.formatted(extraConfig.indent(6)));
    }

    /** Numbered messages per partition; each acknowledgement is recorded, each failure counted. */
    private static void produce(String bootstrap, Map<Integer, List<Long>> acked, AtomicInteger errors,
                                AtomicLong longestStallMs, AtomicBoolean producing) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("delivery.timeout.ms", "120000");
        p.put("linger.ms", "5");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            long[] next = new long[6];
            AtomicLong lastAck = new AtomicLong(System.nanoTime());
            while (producing.get()) {
                for (int partition = 0; partition < 6; partition++) {
                    long seq = next[partition]++;
                    int part = partition;
                    producer.send(new ProducerRecord<>("reliable", partition, null, Long.toString(seq)), (meta, e) -> {
                        if (e != null) {
                            errors.incrementAndGet();
                            return;
                        }
                        long now = System.nanoTime();
                        longestStallMs.accumulateAndGet((now - lastAck.getAndSet(now)) / 1_000_000, Math::max);
                        acked.computeIfAbsent(part, k -> Collections.synchronizedList(new ArrayList<>())).add(seq);
                    });
                }
                Thread.sleep(20);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<Integer, List<Long>> consume(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        Map<Integer, List<Long>> out = new java.util.TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < 6; i++) parts.add(new TopicPartition("reliable", i));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    out.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(Long.parseLong(r.value()));
                }
            }
        }
        return out;
    }
}

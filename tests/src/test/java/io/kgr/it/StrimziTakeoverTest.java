package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.embedded.LocalKubelet;
import io.kgr.model.StrimziKinds;

/**
 * A cluster Strimzi's cluster operator made (objects named, labelled and owned as Strimzi does; its broker real, run by
 * the local kubelet from Strimzi's {@code server.config}) is taken over in place by the documented steps: refused
 * without consent and while Strimzi's Kafka is not paused, then one apply takes its objects over with no broker
 * restarted, and every record written before is still read after.
 */
class StrimziTakeoverTest {
    private static final String CLUSTER = "legacy";
    private static final String PLAIN = LocalKubelet.address(CLUSTER, 0) + ":9092";
    private static final int RECORDS = 200;

    private static Path tmp;
    private static Path repo;
    private static Path kubeconfig;
    private static EmbeddedKubernetes kube;
    private static LocalKubelet kubelet;
    private static StrimziMadeCluster strimzi;
    private static final List<String> outputs = new ArrayList<>();

    @BeforeAll
    static void strimziRunsACluster() throws Exception {
        tmp = Files.createTempDirectory("kgr-takeover-test");
        repo = Files.createDirectories(tmp.resolve("repo"));
        kube = EmbeddedKubernetes.start("kafka");
        kubeconfig = kube.writeKubeconfig(tmp.resolve("kubeconfig"));
        kubelet = new LocalKubelet(kube.client(), "kafka", tmp.resolve("data"), System.getProperty("java.class.path")).start();
        strimzi = new StrimziMadeCluster(kube.client(), "kafka", CLUSTER);
        strimzi.create();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", PLAIN))) {
            admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1))).all().get(120, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", PLAIN, "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) producer.send(new ProducerRecord<>("orders", "k" + i, "order " + i)).get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (kubelet != null) kubelet.close();
        if (kube != null) kube.close();
        for (String out : outputs) {
            assertThat(out).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN CERTIFICATE").doesNotContain("MII");
        }
    }

    private static void git(boolean consent) throws Exception {
        Files.writeString(repo.resolve("kafka.yaml"), """
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata:
                  name: legacy
                %s
                spec:
                  kafka:
                    version: 4.1.0
                    listeners:
                      - {name: plain, port: 9092, type: internal, tls: false}
                    authorization: {type: simple, superUsers: [ANONYMOUS]}
                    config:
                      offsets.topic.replication.factor: 1
                      transaction.state.log.replication.factor: 1
                      transaction.state.log.min.isr: 1
                      min.insync.replicas: 1
                      group.initial.rebalance.delay.ms: 0
                ---
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaNodePool
                metadata: {name: dual, labels: {strimzi.io/cluster: legacy}}
                spec:
                  replicas: 1
                  roles: [controller, broker]
                  storage:
                    type: jbod
                    volumes:
                      - {id: 0, type: persistent-claim, size: 1Gi, deleteClaim: false, kraftMetadata: shared}
                """.formatted(consent ? "  annotations: {kgr.io/take-over: strimzi}" : ""));
    }

    private static Kgr.Result kgr(String command, String... extra) {
        Kgr.Result r = Kgr.onKubernetes(repo, kubeconfig, null, command, extra);
        outputs.add(r.all());
        return r;
    }

    @Test
    void aStrimziMadeClusterIsTakenOverAsItRunsWithNoRestartAndEveryRecordKept() throws Exception {
        Pod before = kube.client().pods().inNamespace("kafka").withName(strimzi.pod()).get();

        // without consent: one refusal that says how to go on, nothing applied
        git(false);
        Kgr.Result refused = kgr("plan", "-o", "json");
        assertThat(refused.json().path("refusals").toString()).contains("was made by Strimzi").contains("kgr.io/take-over: strimzi");
        assertThat(refused.steps()).isEmpty();

        // with consent, but Strimzi's Kafka is not paused: refused, nothing planned
        git(true);
        Kgr.Result unpaused = kgr("plan", "-o", "json");
        assertThat(unpaused.json().path("refusals").toString()).contains("strimzi.io/pause-reconciliation=true");
        assertThat(unpaused.steps()).isEmpty();

        strimzi.pause();
        Path planFile = tmp.resolve("takeover.json");
        Kgr.Result plan = kgr("plan", "-o", "json", "--out", planFile.toString());
        assertThat(plan.json().path("refusals")).as(plan.all()).isEmpty();
        assertThat(plan.notes()).noneMatch(n -> n.contains("ReconciliationPaused"));
        assertThat(plan.steps()).contains("take-over-object:Pod/legacy-dual-0", "take-over-object:Secret/legacy-dual-0",
                "take-over-object:PersistentVolumeClaim/data-0-legacy-dual-0", "take-over-object:Secret/legacy-cluster-ca",
                "take-over-object:Service/legacy-kafka-bootstrap", "delete-kube-object:StrimziPodSet/legacy-dual");
        // nothing of Strimzi's that kgr does not use is touched, and nothing restarts
        assertThat(plan.steps()).noneMatch(s -> s.startsWith("roll-pod") || s.startsWith("create-pod")
                || s.contains("legacy-cluster-operator-certs") || s.contains("PodDisruptionBudget/legacy-kafka"));

        // Strimzi's pod set goes only once no pod names it as owner. The plan says so in its order (a plan file
        // without the pod's takeover before it is not read), and apply checks it again: a hand-cut plan of that step
        // alone, its dependency removed, deletes nothing while the pod is still Strimzi's
        Path podSetOnly = Kgr.cutPlan(planFile, List.of("delete-kube-object:StrimziPodSet/legacy-dual"), tmp.resolve("cut.json"));
        Files.writeString(podSetOnly, Files.readString(podSetOnly).replaceAll("\"dependsOn\"\\s*:\\s*\\[[^]]*]", "\"dependsOn\":[]"));
        Kgr.Result early = kgr("apply", "--plan", podSetOnly.toString(), "-o", "json");
        assertThat(early.exitCode()).as(early.all()).isNotZero();
        assertThat(early.message("delete-kube-object:StrimziPodSet/legacy-dual"))
                .contains("pod legacy-dual-0 still belongs to StrimziPodSet legacy-dual");
        assertThat(kube.client().genericKubernetesResources(StrimziKinds.STRIMZI_POD_SETS.get(0)).inNamespace("kafka")
                .withName("legacy-dual").get()).isNotNull();

        Kgr.Result applied = kgr("apply", "--auto-approve", "-o", "json");
        assertThat(applied.exitCode()).as(applied.all()).isZero();

        Pod after = kube.client().pods().inNamespace("kafka").withName(strimzi.pod()).get();
        assertThat(after.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
        assertThat(after.getStatus().getStartTime()).isEqualTo(before.getStatus().getStartTime());
        assertThat(after.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
        assertThat(after.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "kgr");
        assertThat(after.getMetadata().getOwnerReferences()).isNullOrEmpty();
        assertThat(kube.client().genericKubernetesResources(StrimziKinds.STRIMZI_POD_SETS.get(0)).inNamespace("kafka")
                .withName("legacy-dual").get()).isNull();
        assertThat(kube.client().persistentVolumeClaims().inNamespace("kafka").withName("data-0-legacy-dual-0").get()
                .getMetadata().getAnnotations()).containsEntry("kgr.io/cluster-id", StrimziMadeCluster.CLUSTER_ID);
        assertThat(kube.client().secrets().inNamespace("kafka").withName("legacy-dual-0").get().getData())
                .containsKeys("legacy-dual-0.crt", "legacy-dual-0.key", "keystore.pem", "cluster-ca.crt");
        // Strimzi's own objects kgr does not use stay Strimzi's
        assertThat(kube.client().policy().v1().podDisruptionBudget().inNamespace("kafka").withName("legacy-kafka").get()
                .getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "strimzi-cluster-operator");

        // every record written under Strimzi is read back after the takeover
        assertThat(readAll()).hasSize(RECORDS);

        // kgr now reaches the brokers with its own certificate from the adopted CA: nothing left to do on Kubernetes,
        // and still no restart planned
        Kgr.Result again = kgr("plan", "-o", "json");
        assertThat(again.json().path("refusals")).as(again.all()).isEmpty();
        assertThat(again.steps()).as(again.all()).noneMatch(s -> s.startsWith("take-over-object") || s.startsWith("roll-pod")
                || s.startsWith("create-pod") || s.contains("StrimziPodSet"));
        assertThat(again.all()).doesNotContain("does not answer");

        // kgr manages the taken-over cluster through Strimzi's own broker, whose authorizer lets in only its super users:
        // kgr's certificate carries Strimzi's operator's subject
        Files.writeString(repo.resolve("topic.yaml"), Manifests.topic("shipments", CLUSTER, 2, 1, Map.of()));
        Kgr.Result topic = kgr("apply", "--auto-approve", "-o", "json");
        assertThat(topic.exitCode()).as(topic.all()).isZero();
        assertThat(topic.applied()).contains("create-topic:shipments");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", PLAIN))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("shipments", "orders");
        }
        Pod last = kube.client().pods().inNamespace("kafka").withName(strimzi.pod()).get();
        assertThat(last.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
        assertThat(last.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();

        // the first change that needs a restart replaces Strimzi's pod with kgr's, on the same volume, certificate and id
        Files.writeString(repo.resolve("kafka.yaml"), Files.readString(repo.resolve("kafka.yaml"))
                .replace("      group.initial.rebalance.delay.ms: 0\n", "      group.initial.rebalance.delay.ms: 0\n      auto.create.topics.enable: false\n"));
        Kgr.Result roll = kgr("apply", "--auto-approve", "--pod-ready-timeout", "120", "-o", "json");
        assertThat(roll.exitCode()).as(roll.all()).isZero();
        assertThat(roll.applied()).contains("roll-pod:legacy-dual-0");
        Pod kgrs = kube.client().pods().inNamespace("kafka").withName(strimzi.pod()).get();
        assertThat(kgrs.getMetadata().getUid()).isNotEqualTo(before.getMetadata().getUid());
        assertThat(kgrs.getMetadata().getAnnotations()).doesNotContainKey("kgr.io/taken-over-from");
        assertThat(kgrs.getSpec().getContainers().get(0).getImage()).startsWith("apache/kafka:");
        assertThat(readAll()).hasSize(RECORDS);
        Kgr.Result settled = kgr("plan", "-o", "json");
        assertThat(settled.steps()).as(settled.all()).noneMatch(s -> s.startsWith("roll-pod") || s.startsWith("issue-"));
    }

    private static List<String> readAll() {
        Properties p = new Properties();
        p.put("bootstrap.servers", PLAIN);
        p.put("auto.offset.reset", "earliest");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1),
                    new TopicPartition("orders", 2));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.size() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) out.add(r.value());
            }
        }
        assertThat(Set.copyOf(out)).hasSize(out.size());
        return out;
    }
}

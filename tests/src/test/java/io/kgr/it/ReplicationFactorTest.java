package io.kgr.it;

import static io.kgr.it.Manifests.topic;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Replication-factor changes as reassignments on a real 3-broker cluster, waited until complete. */
class ReplicationFactorTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static EmbeddedKafka kafka;
    static Admin admin;
    @TempDir Path tmp;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(3);
        admin = kafka.admin();
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        kafka.close();
    }

    private Kgr.Result kgr(String command, Path repo, String... more) {
        return Kgr.run(Kgr.args(command, new String[] {"--repo", repo.toString(), "--bootstrap-server",
                kafka.bootstrapServers(), "--no-color"}, more));
    }

    private TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    }

    private static List<Integer> replicas(TopicPartitionInfo p) {
        return p.replicas().stream().map(Node::id).toList();
    }

    @Test
    void growsReplicationFromOneToThreeKeepingLeaders() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("t.yaml"), topic("rf.grow", "c1", 6, 1, Map.of()));
        assertThat(kgr("apply", repo, "--auto-approve").exitCode()).isZero();
        List<Integer> leadersBefore = describe("rf.grow").partitions().stream().map(p -> replicas(p).get(0)).toList();

        Files.writeString(repo.resolve("t.yaml"), topic("rf.grow", "c1", 6, 3, Map.of("min.insync.replicas", 2)));
        Kgr.Result plan = kgr("plan", repo);
        assertThat(plan.out()).contains("~ change replication factor of topic rf.grow  [disruptive]", "replicas  1 → 3");
        Kgr.Result apply = kgr("apply", repo, "--auto-approve", "-o", "json");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(apply.applied()).contains("change-replication-factor:rf.grow");

        // apply returns only once the reassignment is complete
        TopicDescription after = describe("rf.grow");
        assertThat(after.partitions()).allSatisfy(p -> assertThat(replicas(p)).hasSize(3).doesNotHaveDuplicates());
        assertThat(after.partitions().stream().map(p -> replicas(p).get(0)).toList()).isEqualTo(leadersBefore);
        assertThat(admin.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(kgr("plan", repo, "-o", "json").changes()).isEmpty();
    }

    @Test
    void shrinksReplicationAndGrowsPartitionsInOnePlan() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("t.yaml"), topic("rf.both", "c1", 2, 3, Map.of()));
        assertThat(kgr("apply", repo, "--auto-approve").exitCode()).isZero();

        Files.writeString(repo.resolve("t.yaml"), topic("rf.both", "c1", 4, 2, Map.of()));
        Kgr.Result apply = kgr("apply", repo, "--auto-approve", "-o", "json");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(apply.applied()).containsSubsequence("change-replication-factor:rf.both", "increase-partitions:rf.both");
        TopicDescription after = describe("rf.both");
        assertThat(after.partitions()).hasSize(4).allSatisfy(p -> assertThat(replicas(p)).hasSize(2));
        assertThat(kgr("plan", repo, "-o", "json").changes()).isEmpty();
    }

    @Test
    void refusesMoreReplicasThanBrokers() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("t.yaml"), topic("rf.toomany", "c1", 1, 4, Map.of()));
        Kgr.Result apply = kgr("apply", repo, "--auto-approve");
        assertThat(apply.exitCode()).isEqualTo(1);
        assertThat(apply.out()).contains("replicas 4 is more than the 3 live broker(s)");
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("rf.toomany");
    }

    @Test
    void aReassignmentStartedWithKafkasOwnToolIsLeftAloneAndReported() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("t.yaml"), topic("rf.moving", "c1", 1, 1, Map.of()));
        assertThat(kgr("apply", repo, "--auto-approve").exitCode()).isZero();
        int from = replicas(describe("rf.moving").partitions().get(0)).get(0);
        int to = (from + 1) % 3;
        // 4 MiB of data and a 1 byte/s throttle: the move stays in progress for the whole test
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                kafka.clientProperties(Map.of("batch.size", "1048576", "linger.ms", "50")),
                new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (int i = 0; i < 64; i++) producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("rf.moving", new byte[65536]));
            producer.flush();
        }
        Path plan = tmp.resolve("move.json");
        Files.writeString(plan, "{\"version\":1,\"partitions\":[{\"topic\":\"rf.moving\",\"partition\":0,\"replicas\":[" + to + "]}]}");
        Process tool = new ProcessBuilder("java", "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.tools.reassign.ReassignPartitionsCommand", "--bootstrap-server", kafka.bootstrapServers(),
                "--reassignment-json-file", plan.toString(), "--execute", "--throttle", "1").redirectErrorStream(true).start();
        String toolOut = new String(tool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(tool.waitFor()).as(toolOut).isZero();
        try {
            assertThat(admin.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS)).hasSize(1);

            // Git asks for a second replica meanwhile: kgr reports the move and leaves it (and its throttles) alone
            Files.writeString(repo.resolve("t.yaml"), topic("rf.moving", "c1", 1, 2, Map.of()));
            Kgr.Result planned = kgr("plan", repo, "-o", "json");
            assertThat(planned.exitCode()).as(planned.all()).isZero();
            assertThat(planned.out()).contains("reassignment in progress on 1 partition(s) of 1 topic(s) (rf.moving)",
                    "replicas 1 → 2 waits until the reassignment in progress has finished")
                    .doesNotContain("change-replication-factor", "replication.throttled");
            Kgr.Result apply = kgr("apply", repo, "--auto-approve");
            assertThat(apply.exitCode()).as(apply.all()).isZero();
            var moves = admin.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS);
            assertThat(moves).hasSize(1);
            assertThat(moves.values().iterator().next().addingReplicas()).as("the tool's target, not kgr's").containsExactly(to);
            var config = admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "rf.moving"))).all().get(30, TimeUnit.SECONDS).values()
                    .iterator().next();
            assertThat(config.get("leader.replication.throttled.replicas").value()).as("the tool's throttle stays").isNotEmpty();
        } finally {
            admin.alterPartitionReassignments(Map.of(new org.apache.kafka.common.TopicPartition("rf.moving", 0), java.util.Optional.empty()))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The throttle settings on the brokers and the topic, as kafka-configs --describe lists the dynamic ones. */
    private Map<String, String> throttles(String topic) throws Exception {
        List<ConfigResource> all = new ArrayList<>();
        List.of(0, 1, 2).forEach(b -> all.add(new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(b))));
        all.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
        Map<String, String> out = new TreeMap<>();
        admin.describeConfigs(all).all().get(30, TimeUnit.SECONDS).forEach((r, c) -> c.entries().forEach(e -> {
            if (e.name().contains("throttled") && (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG
                    || e.source() == ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG)) {
                out.put(r.type() + ":" + r.name() + ":" + e.name(), e.value());
            }
        }));
        return out;
    }

    @Test
    void kgrsOwnMoveOutlastsTheRunKeepsItsThrottleAndIsCleanedUpOnceDone() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("t.yaml"), topic("rf.throttled", "c1", 1, 1, Map.of()));
        assertThat(kgr("apply", repo, "--auto-approve").exitCode()).isZero();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                kafka.clientProperties(Map.of("batch.size", "1048576", "linger.ms", "50")),
                new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (int i = 0; i < 32; i++) producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("rf.throttled", new byte[65536]));
            producer.flush();
        }
        // throttles another tool left (kafka-reassign-partitions leaves its rates until --verify) are not kgr's
        Map<String, String> others = throttles("rf.throttled");
        Files.writeString(repo.resolve("t.yaml"), topic("rf.throttled", "c1", 1, 2, Map.of()));
        // 2 MiB at 1 byte/s cannot finish in 5 s: the wait ends with the move still running
        Kgr.Result slow = kgr("apply", repo, "--auto-approve", "--replication-throttle", "1", "--reassignment-timeout", "5",
                "-o", "json");
        assertThat(slow.exitCode()).as(slow.all()).isEqualTo(1);
        assertThat(slow.outcomes()).containsEntry("change-replication-factor:rf.throttled", "failed");
        assertThat(slow.message("change-replication-factor:rf.throttled"))
                .contains("reassignment still running after 5 s", "throttles kept (and recorded)");
        // the throttle stays while the move runs (removing it would let the move take the brokers' whole network)
        Map<String, String> kept = throttles("rf.throttled");
        assertThat(kept).containsEntry("TOPIC:rf.throttled:leader.replication.throttled.replicas", "*")
                .containsAllEntriesOf(others);

        // the next run knows the move is kgr's own: it is not refused, says how far the move is, and applies
        // an unrelated change meanwhile
        Files.writeString(repo.resolve("other.yaml"), topic("rf.unrelated", "c1", 1, 1, Map.of()));
        Kgr.Result during = kgr("plan", repo, "-o", "json");
        assertThat(during.exitCode()).as(during.all()).isZero();
        JsonNode duringPlan = JSON.readTree(during.out());
        assertThat(duringPlan.path("refusals")).isEmpty();
        assertThat(duringPlan.path("notes").toString()).contains("0 of 1 partition(s) done", "1 still moving")
                .doesNotContain("started outside this plan");
        assertThat(during.steps()).contains("create-topic:rf.unrelated")
                .noneMatch(id -> id.startsWith("remove-throttles") || id.startsWith("change-replication-factor"));
        assertThat(kgr("apply", repo, "--auto-approve").exitCode()).isZero();
        assertThat(throttles("rf.throttled")).as("an unrelated apply leaves the move's throttles").isEqualTo(kept);

        // an operator lets the move finish (kafka-configs: a higher rate where one is set); then kgr removes exactly
        // what it set
        List<AlterConfigOp> faster = List.of(
                new AlterConfigOp(new ConfigEntry("leader.replication.throttled.rate", "104857600"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("follower.replication.throttled.rate", "104857600"), AlterConfigOp.OpType.SET));
        Map<ConfigResource, java.util.Collection<AlterConfigOp>> raise = new java.util.HashMap<>();
        kept.keySet().stream().filter(k -> k.startsWith("BROKER:")).map(k -> k.split(":")[1]).distinct()
                .forEach(b -> raise.put(new ConfigResource(ConfigResource.Type.BROKER, b), faster));
        admin.incrementalAlterConfigs(raise).all().get(30, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(admin.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS)).isEmpty());
        Kgr.Result after = kgr("plan", repo, "-o", "json");
        assertThat(after.steps()).anyMatch(id -> id.startsWith("remove-throttles:"));
        Kgr.Result cleanup = kgr("apply", repo, "--auto-approve", "-o", "json");
        assertThat(cleanup.exitCode()).as(cleanup.all()).isZero();
        assertThat(cleanup.applied()).anyMatch(id -> id.startsWith("remove-throttles:"));
        assertThat(throttles("rf.throttled").keySet()).as("kgr's throttles are gone; the other tool's stay")
                .isEqualTo(others.keySet());
        assertThat(describe("rf.throttled").partitions().get(0).replicas()).hasSize(2);
        assertThat(kgr("plan", repo, "-o", "json").changes()).isEmpty();
    }
}

package io.kgr.it;

import static io.kgr.it.Manifests.topic;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replication-factor changes as reassignments on a real 3-broker cluster, waited until complete. */
class ReplicationFactorTest {
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
        Kgr.Result apply = kgr("apply", repo, "--auto-approve");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(apply.out()).contains("ok      change-replication-factor:rf.grow");

        // apply returns only once the reassignment is complete
        TopicDescription after = describe("rf.grow");
        assertThat(after.partitions()).allSatisfy(p -> assertThat(replicas(p)).hasSize(3).doesNotHaveDuplicates());
        assertThat(after.partitions().stream().map(p -> replicas(p).get(0)).toList()).isEqualTo(leadersBefore);
        assertThat(admin.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(kgr("plan", repo).out()).contains("No changes.");
    }

    @Test
    void shrinksReplicationAndGrowsPartitionsInOnePlan() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("t.yaml"), topic("rf.both", "c1", 2, 3, Map.of()));
        assertThat(kgr("apply", repo, "--auto-approve").exitCode()).isZero();

        Files.writeString(repo.resolve("t.yaml"), topic("rf.both", "c1", 4, 2, Map.of()));
        Kgr.Result apply = kgr("apply", repo, "--auto-approve");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(apply.out()).containsSubsequence("ok      change-replication-factor:rf.both", "ok      increase-partitions:rf.both");
        TopicDescription after = describe("rf.both");
        assertThat(after.partitions()).hasSize(4).allSatisfy(p -> assertThat(replicas(p)).hasSize(2));
        assertThat(kgr("plan", repo).out()).contains("No changes.");
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
}

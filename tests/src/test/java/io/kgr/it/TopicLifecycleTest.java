package io.kgr.it;

import static io.kgr.it.Manifests.topic;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topic pipeline end to end against one real single-broker KRaft cluster shared by the class. Every test uses
 * its own cluster label, topic prefix and repository, so tests stay independent.
 */
class TopicLifecycleTest {
    static EmbeddedKafka kafka;
    static Admin admin;

    @TempDir Path tmp;
    String cluster;
    String prefix;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(1);
        admin = kafka.admin();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        admin.close();
        kafka.close();
    }

    @org.junit.jupiter.api.BeforeEach
    void names(TestInfo info) {
        String method = info.getTestMethod().orElseThrow().getName().toLowerCase();
        cluster = "c-" + method;
        prefix = method + ".";
    }

    private Kgr.Result kgr(String command, String... args) {
        return Kgr.run(Kgr.args(command, args, "--bootstrap-server", kafka.bootstrapServers(), "--no-color"));
    }

    private Path dir(String name, Map<String, String> files) throws Exception {
        Path d = tmp.resolve(name);
        Files.createDirectories(d);
        for (var e : files.entrySet()) {
            Files.createDirectories(d.resolve(e.getKey()).getParent());
            Files.writeString(d.resolve(e.getKey()), e.getValue());
        }
        return d;
    }

    private Set<String> liveTopics() throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }

    private Map<String, String> overrides(String topic) throws Exception {
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        var config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        var out = new java.util.TreeMap<String, String>();
        for (ConfigEntry e : config.entries()) {
            if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) out.put(e.name(), e.value());
        }
        return out;
    }

    private int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
    }

    /** describeConfigs may lag right after a write (read-after-write is not guaranteed): poll until it settles. */
    private void awaitOverrides(String topic, Map<String, String> expected) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(overrides(topic)).isEqualTo(expected));
    }

    @Test
    void whatKubectlPrintsImportsIntoManifestsThatPlanNoChanges() throws Exception {
        // a cluster's topics as kubectl get kafkatopics -o yaml prints them: a List, with what the server and an
        // operator added (status, namespace, managed fields, last-applied-configuration)
        String list = """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: kafka.strimzi.io/v1
                  kind: KafkaTopic
                  metadata:
                    annotations:
                      kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"kafka.strimzi.io/v1"}'
                    creationTimestamp: "2026-12-01T10:00:00Z"
                    generation: 2
                    labels: {strimzi.io/cluster: %1$s}
                    managedFields: [{manager: kubectl, operation: Update}]
                    name: %2$sorders
                    namespace: kafka
                    resourceVersion: "4711"
                    uid: 0b3c9d6e-0000-4000-8000-000000000001
                  spec:
                    partitions: 3
                    replicas: 1
                    config: {retention.ms: 86400000}
                  status:
                    conditions: [{type: Ready, status: "True"}]
                    topicName: %2$sorders
                - apiVersion: kafka.strimzi.io/v1
                  kind: KafkaTopic
                  metadata:
                    labels: {strimzi.io/cluster: %1$s}
                    name: %2$spayments
                    namespace: kafka
                  spec: {partitions: 2, replicas: 1}
                metadata: {resourceVersion: ""}
                """.formatted(cluster, prefix);
        Path exported = dir("exported", Map.of("list.yaml", list));
        // the cluster as it stands: made from the same topics by an earlier apply
        Path original = dir("original", Map.of(
                "a.yaml", topic(prefix + "orders", cluster, 3, 1, Map.of("retention.ms", 86400000)),
                "b.yaml", topic(prefix + "payments", cluster, 2, 1, Map.of())));
        assertThat(kgr("apply", "--repo", original.toString(), "--auto-approve", "--source-name", "imported").exitCode()).isZero();

        Path repo = tmp.resolve("imported");
        Kgr.Result imported = Kgr.run("import", exported.resolve("list.yaml").toString(), "--out", repo.toString());
        assertThat(imported.exitCode()).as(imported.all()).isZero();
        assertThat(imported.out()).contains("Imported 2 resource(s)");
        String orders = Files.readString(repo.resolve("topics/" + prefix + "orders.yaml"));
        assertThat(orders).contains("name: " + prefix + "orders", "strimzi.io/cluster: " + cluster, "retention.ms: 86400000")
                .doesNotContain("status", "namespace", "managedFields", "resourceVersion", "uid", "last-applied", "generation");
        Kgr.Result plan = kgr("plan", "--repo", repo.toString(), "--source-name", "imported", "--detailed-exitcode", "-o", "json");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.changes()).isEmpty();
    }

    @Test
    void createsFromEmptyThenReportsNoChanges() throws Exception {
        Path repo = dir("repo", Map.of(
                "topics/a.yaml", topic(prefix + "orders", cluster, 3, 1,
                        Map.of("retention.ms", 86400000, "cleanup.policy", "[compact, delete]", "min.cleanable.dirty.ratio", 0.50)),
                "topics/b.yaml", topic(prefix + "payments", cluster, null, null, Map.of())));

        Kgr.Result plan = kgr("plan", "--repo", repo.toString(), "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.all()).isEqualTo(2);
        assertThat(plan.out()).contains("+ create topic " + prefix + "orders", "+ create topic " + prefix + "payments",
                "config.retention.ms", "Plan: 2 to add, 0 to change, 0 to delete, 0 refused.");
        assertThat(liveTopics()).as("plan changes nothing").doesNotContain(prefix + "orders");

        Kgr.Result apply = kgr("apply", "--repo", repo.toString(), "--auto-approve");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(liveTopics()).contains(prefix + "orders", prefix + "payments");
        assertThat(partitions(prefix + "orders")).isEqualTo(3);
        assertThat(partitions(prefix + "payments")).as("broker default num.partitions").isEqualTo(1);
        awaitOverrides(prefix + "orders", Map.of("retention.ms", "86400000", "cleanup.policy", "compact,delete",
                "min.cleanable.dirty.ratio", "0.5"));

        Kgr.Result again = kgr("plan", "--repo", repo.toString(), "--detailed-exitcode", "-o", "json");
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.changes()).isEmpty();
    }

    @Test
    void increasesPartitionsAndSetsAndDeletesConfig() throws Exception {
        String t = prefix + "events";
        Path repo = dir("repo", Map.of("t.yaml", topic(t, cluster, 2, 1, Map.of("retention.ms", 3600000))));
        assertThat(kgr("apply", "--repo", repo.toString(), "--auto-approve").exitCode()).isZero();
        awaitOverrides(t, Map.of("retention.ms", "3600000"));

        // drift behind kgr's back: an override Git does not declare
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, t), List.of(
                new AlterConfigOp(new ConfigEntry("segment.ms", "600000"), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
        awaitOverrides(t, Map.of("retention.ms", "3600000", "segment.ms", "600000"));
        Files.writeString(repo.resolve("t.yaml"), topic(t, cluster, 5, 1, Map.of("retention.ms", 7200000, "compression.type", "zstd")));

        Kgr.Result plan = kgr("plan", "--repo", repo.toString());
        assertThat(plan.out()).contains("~ increase partitions of topic " + t, "partitions  2 → 5",
                "~ alter config of topic " + t, "config.retention.ms      3600000 → 7200000",
                "config.segment.ms        600000 → (broker default)", "config.compression.type  = zstd",
                "Plan: 0 to add, 2 to change");
        Kgr.Result apply = kgr("apply", "--repo", repo.toString(), "--auto-approve");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(partitions(t)).isEqualTo(5);
        awaitOverrides(t, Map.of("retention.ms", "7200000", "compression.type", "zstd"));
        assertThat(kgr("plan", "--repo", repo.toString(), "-o", "json").changes()).isEmpty();
    }

    @Test
    void refusesPartitionDecreaseAndAppliesNothing() throws Exception {
        String t = prefix + "clicks";
        Path repo = dir("repo", Map.of("t.yaml", topic(t, cluster, 4)));
        assertThat(kgr("apply", "--repo", repo.toString(), "--auto-approve").exitCode()).isZero();
        Files.writeString(repo.resolve("t.yaml"), topic(t, cluster, 2, 1, Map.of("retention.ms", 1000)));
        Files.writeString(repo.resolve("u.yaml"), topic(prefix + "other", cluster, 1));

        Kgr.Result apply = kgr("apply", "--repo", repo.toString(), "--auto-approve");
        assertThat(apply.exitCode()).isEqualTo(1);
        assertThat(apply.out()).contains("! refuse topic " + t, "partitions 4 → 2", "1 refused");
        assertThat(apply.err()).contains("PlanRefused");
        assertThat(partitions(t)).isEqualTo(4);
        assertThat(liveTopics()).as("a refused plan applies nothing at all").doesNotContain(prefix + "other");
        assertThat(overrides(t)).isEmpty();
    }

    @Test
    void prunesOnlyOwnedTopicsAndOnlyWhenAsked() throws Exception {
        String keep = prefix + "keep";
        String gone = prefix + "gone";
        String foreign = prefix + "foreign";
        admin.createTopics(List.of(new NewTopic(foreign, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        Path repo = dir("repo", Map.of("keep.yaml", topic(keep, cluster, 1), "gone.yaml", topic(gone, cluster, 1)));
        assertThat(kgr("apply", "--repo", repo.toString(), "--auto-approve").exitCode()).isZero();
        Files.delete(repo.resolve("gone.yaml"));

        Kgr.Result noPrune = kgr("apply", "--repo", repo.toString(), "--auto-approve");
        assertThat(noPrune.exitCode()).as(noPrune.all()).isZero();
        assertThat(noPrune.out()).contains("topic " + gone + " is no longer in Git; kept");
        assertThat(liveTopics()).contains(gone);

        Kgr.Result plan = kgr("plan", "--repo", repo.toString(), "--prune");
        assertThat(plan.out()).contains("- delete topic " + gone, "[destructive]", "topic " + foreign + "  (not declared in Git)")
                .doesNotContain("delete topic " + foreign);
        Kgr.Result prune = kgr("apply", "--repo", repo.toString(), "--auto-approve", "--prune");
        assertThat(prune.exitCode()).as(prune.all()).isZero();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(liveTopics()).doesNotContain(gone));
        assertThat(liveTopics()).contains(keep, foreign);
        assertThat(kgr("plan", "--repo", repo.toString(), "--prune", "-o", "json").changes()).isEmpty();
    }

    @Test
    void twoSourcesNeverPruneEachOther() throws Exception {
        Path repoA = dir("team-a", Map.of("a.yaml", topic(prefix + "a", cluster, 1)));
        Path repoB = dir("team-b", Map.of("b.yaml", topic(prefix + "b", cluster, 1)));
        assertThat(kgr("apply", "--repo", repoA.toString(), "--auto-approve", "--prune").exitCode()).isZero();
        assertThat(kgr("apply", "--repo", repoB.toString(), "--auto-approve", "--prune").exitCode()).isZero();

        Kgr.Result planA = kgr("plan", "--repo", repoA.toString(), "--prune");
        assertThat(planA.out()).as(planA.all()).contains("No changes.", "topic " + prefix + "b  (managed by source 'dir:" + repoB + "')");
        assertThat(kgr("apply", "--repo", repoA.toString(), "--auto-approve", "--prune").exitCode()).isZero();
        assertThat(liveTopics()).contains(prefix + "a", prefix + "b");

        // B declaring A's topic is refused rather than fought over
        Files.writeString(repoB.resolve("steal.yaml"), topic(prefix + "a", cluster, 1, 1, Map.of("retention.ms", 1000)));
        Kgr.Result steal = kgr("apply", "--repo", repoB.toString(), "--auto-approve");
        assertThat(steal.exitCode()).isEqualTo(1);
        assertThat(steal.out()).contains("! refuse topic " + prefix + "a", "managed by another source");
        assertThat(overrides(prefix + "a")).isEmpty();
    }

    @Test
    void badInputIsReportedWithFileAndLineAndNothingIsApplied() throws Exception {
        Path repo = dir("repo", Map.of(
                "good.yaml", topic(prefix + "good", cluster, 1),
                "syntax.yaml", "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata: {name: x\n",
                "types.yaml", topic(prefix + "typed", cluster, 1).replace("partitions: 1", "partitions: many"),
                "unknown.yaml", topic(prefix + "unknown", cluster, 1) + "  colour: blue\n",
                "dup1.yaml", topic(prefix + "twice", cluster, 1),
                "dup2.yaml", topic(prefix + "twice", cluster, 2),
                "values.yaml", topic(prefix + "values", cluster, 1, 1, Map.of("retention.ms", "7days",
                        "cleanup.policy", "compacted", "preallocate", "\"yes please\"")),
                "kind.yaml", topic(prefix + "kind", cluster, 1).replace("kind: KafkaTopic", "kind: KafkaTopik")));
        Files.write(repo.resolve("latin1.yaml"), topic(prefix + "caf\u00e9", cluster, 1).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Kgr.Result apply = kgr("apply", "--repo", repo.toString(), "--auto-approve");
        assertThat(apply.exitCode()).isEqualTo(1);
        assertThat(apply.err()).contains(
                "values.yaml:11:21  spec.config[\"cleanup.policy\"]  Invalid value compacted for configuration cleanup.policy: String must be one of: compact, delete",
                "values.yaml:12:18  spec.config.preallocate  Invalid value yes please for configuration preallocate: Expected value to be either true or false",
                "values.yaml:13:19  spec.config[\"retention.ms\"]  Invalid value 7days for configuration retention.ms: Not a number of type LONG",
                "kind.yaml:2:7  kind  unknown kind 'KafkaTopik'",
                "latin1.yaml:4:",
                "file is not valid UTF-8");
        assertThat(apply.err()).contains(
                "syntax.yaml:4:1  -  YAML syntax error",
                "types.yaml:8:15  spec.partitions  string found, integer expected",
                "unknown.yaml:10:3  spec.colour  unknown field 'colour'",
                "dup2.yaml:1:1  metadata.name  topic '" + prefix + "twice' is declared twice: also in dup1.yaml:1",
                "ValidationFailed");
        assertThat(liveTopics()).doesNotContain(prefix + "good");

        Kgr.Result validate = Kgr.run("validate", repo.toString());
        assertThat(validate.exitCode()).isEqualTo(1);
        assertThat(validate.err()).contains("types.yaml:8:15");
    }

    @Test
    void plansFromAnOlderRefOfAGitRepository() throws Exception {
        try (GitRepo git = GitRepo.create(tmp.resolve("git"))) {
            git.write("clusters/x/one.yaml", topic(prefix + "one", cluster, 1)).write("README.md", "docs");
            String first = git.commitAndPush("one topic");
            git.write("clusters/x/two.yaml", topic(prefix + "two", cluster, 1));
            git.commitAndPush("two topics");
            String cache = tmp.resolve("cache").toString();

            Kgr.Result older = kgr("plan", "--repo", git.url(), "--ref", first, "--path", "clusters/", "--cache-dir", cache);
            assertThat(older.exitCode()).as(older.all()).isZero();
            assertThat(older.out()).contains("create topic " + prefix + "one", first.substring(0, 12))
                    .doesNotContain(prefix + "two");
            Kgr.Result head = kgr("apply", "--repo", git.url(), "--ref", "main", "--path", "clusters/", "--cache-dir", cache,
                    "--auto-approve");
            assertThat(head.exitCode()).as(head.all()).isZero();
            assertThat(liveTopics()).contains(prefix + "one", prefix + "two");

            // a local bare repository works as a path too, and reads the same commit
            Kgr.Result bare = Kgr.run("validate", "--repo", git.bareDir().toString(), "--path", "clusters/x");
            assertThat(bare.exitCode()).as(bare.all()).isZero();
            assertThat(bare.out()).contains("2 topic(s) and 0 user(s) for cluster " + cluster);
        }
    }

    @Test
    void savedPlanIsAppliedExactlyAndRefusedWhenStale() throws Exception {
        Path repo = dir("repo", Map.of("t.yaml", topic(prefix + "saved", cluster, 2)));
        Path planFile = tmp.resolve("plan.json");
        Kgr.Result plan = kgr("plan", "--repo", repo.toString(), "-o", "json", "--out", planFile.toString());
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("\"formatVersion\" : 1", "\"kind\" : \"create-topic\"");
        // Git moves on after the plan was saved: apply --plan still applies what was reviewed
        Files.writeString(repo.resolve("t.yaml"), topic(prefix + "saved", cluster, 7));
        Kgr.Result apply = Kgr.run("apply", "--plan", planFile.toString(), "--no-color");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(partitions(prefix + "saved")).isEqualTo(2);

        Files.writeString(repo.resolve("t.yaml"), topic(prefix + "saved", cluster, 3));
        Path stale = tmp.resolve("stale.json");
        assertThat(kgr("plan", "--repo", repo.toString(), "--out", stale.toString()).exitCode()).isZero();
        admin.createPartitions(Map.of(prefix + "saved", NewPartitions.increaseTo(4))).all().get(30, TimeUnit.SECONDS);
        Kgr.Result refused = Kgr.run("apply", "--plan", stale.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("the cluster changed since this plan was made");
        assertThat(partitions(prefix + "saved")).isEqualTo(4);
    }

    @Test
    void aFailedStepLeavesAStateTheNextRunConvergesFrom() throws Exception {
        // valid input the broker still refuses: a live topic whose name differs only by '.' versus '_'
        admin.createTopics(List.of(new NewTopic((prefix + "bad").replace('.', '_'), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        Path repo = dir("repo", Map.of(
                "ok.yaml", topic(prefix + "ok", cluster, 1),
                "bad.yaml", topic(prefix + "bad", cluster, 1, 1, Map.of("retention.ms", -1))));
        Kgr.Result apply = kgr("apply", "--repo", repo.toString(), "--auto-approve", "-o", "json");
        assertThat(apply.exitCode()).isEqualTo(1);
        assertThat(apply.outcomes()).containsEntry("create-topic:" + prefix + "ok", "ok")
                .containsEntry("create-topic:" + prefix + "bad", "failed").hasSize(3);
        assertThat(apply.message("create-topic:" + prefix + "bad")).startsWith("InvalidTopic");
        assertThat(apply.applied()).last().asString().startsWith("update-inventory:");
        assertThat(apply.json().path("apply").path("complete").asBoolean()).isFalse();
        assertThat(apply.err()).contains("Apply incomplete: 2 ok, 1 failed, 0 skipped");
        assertThat(liveTopics()).contains(prefix + "ok").doesNotContain(prefix + "bad");

        admin.deleteTopics(List.of((prefix + "bad").replace('.', '_'))).all().get(30, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> !liveTopics().contains((prefix + "bad").replace('.', '_')));
        Kgr.Result plan = kgr("plan", "--repo", repo.toString());
        assertThat(plan.out()).contains("+ create topic " + prefix + "bad").doesNotContain("create topic " + prefix + "ok");
        assertThat(kgr("apply", "--repo", repo.toString(), "--auto-approve").exitCode()).isZero();
        assertThat(kgr("plan", "--repo", repo.toString(), "-o", "json").changes()).isEmpty();
    }

    @Test
    void applyWithoutApprovalAndWithoutATerminalChangesNothing() throws Exception {
        Path repo = dir("repo", Map.of("t.yaml", topic(prefix + "unapproved", cluster, 1)));
        Kgr.Result r = kgr("apply", "--repo", repo.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("+ create topic " + prefix + "unapproved");
        assertThat(r.err()).contains("no terminal to ask for approval: use --auto-approve");
        assertThat(liveTopics()).doesNotContain(prefix + "unapproved");
    }

    @Test
    void unreachableClusterIsAnObserveFailure() throws Exception {
        Path repo = dir("repo", Map.of("t.yaml", topic(prefix + "x", cluster, 1)));
        Kgr.Result r = Kgr.run("plan", "--repo", repo.toString(), "--bootstrap-server", "127.0.0.1:1", "--timeout", "3");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("ObserveFailed");
    }

    @Test
    void aPruneThatWouldEmptyTheSourceIsRefusedAndAppliesNothing() throws Exception {
        Path repo = dir("repo", Map.of("a.yaml", topic(prefix + "a", cluster, 1), "b.yaml", topic(prefix + "b", cluster, 1),
                "c.yaml", topic(prefix + "c", cluster, 1)));
        assertThat(kgr("apply", "--repo", repo.toString(), "--cluster", cluster, "--auto-approve").exitCode()).isZero();

        // every label mistyped: nothing of the cluster is declared any more
        for (String f : List.of("a.yaml", "b.yaml", "c.yaml")) {
            Files.writeString(repo.resolve(f), Files.readString(repo.resolve(f)).replace(cluster, cluster + "-typo"));
        }
        Kgr.Result typo = kgr("apply", "--repo", repo.toString(), "--cluster", cluster, "--prune", "--auto-approve");
        assertThat(typo.exitCode()).as(typo.all()).isEqualTo(1);
        assertThat(typo.all()).contains("! refuse prune", "would delete everything source 'dir:" + repo + "' manages on cluster " + cluster,
                "3 manifest(s) are labelled for clusters no Kafka manifest or target declares: 3 labelled '" + cluster
                        + "-typo' (first at a.yaml:6:25)", "--allow-mass-prune", "PlanRefused",
                "a.yaml:6:25  metadata.labels[\"strimzi.io/cluster\"]  warning: KafkaTopic " + prefix + "a is labelled for cluster '"
                        + cluster + "-typo'");
        assertThat(liveTopics()).contains(prefix + "a", prefix + "b", prefix + "c");

        // a path that matches nothing
        Kgr.Result empty = kgr("apply", "--repo", repo.toString(), "--cluster", cluster, "--path", "no/such/folder",
                "--source-name", "dir:" + repo, "--prune", "--auto-approve", "-o", "json");
        assertThat(empty.exitCode()).as(empty.all()).isEqualTo(1);
        assertThat(empty.out()).contains("\"kind\" : \"prune\"", "no topic or user manifest of this source is labelled for cluster");
        assertThat(liveTopics()).contains(prefix + "a", prefix + "b", prefix + "c");

        // one of three is a third: allowed; all of what is left needs consent
        for (String f : List.of("a.yaml", "b.yaml")) {
            Files.writeString(repo.resolve(f), Files.readString(repo.resolve(f)).replace(cluster + "-typo", cluster));
        }
        Files.delete(repo.resolve("c.yaml"));
        assertThat(kgr("apply", "--repo", repo.toString(), "--cluster", cluster, "--prune", "--auto-approve").exitCode()).isZero();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(liveTopics()).doesNotContain(prefix + "c").contains(prefix + "a", prefix + "b"));
        Files.delete(repo.resolve("a.yaml"));
        Files.delete(repo.resolve("b.yaml"));
        Files.writeString(repo.resolve("other.yaml"), topic(prefix + "x", "unrelated", 1));
        assertThat(kgr("apply", "--repo", repo.toString(), "--cluster", cluster, "--prune", "--auto-approve").exitCode()).isEqualTo(1);
        Kgr.Result consent = kgr("apply", "--repo", repo.toString(), "--cluster", cluster, "--prune", "--allow-mass-prune",
                "--auto-approve");
        assertThat(consent.exitCode()).as(consent.all()).isZero();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(liveTopics()).doesNotContain(prefix + "a", prefix + "b"));
    }

    @Test
    void oneRepositoryIsOneSourceFromEveryCheckoutAndUrlAndOldNamesAreHandedOver() throws Exception {
        try (GitRepo git = GitRepo.create(tmp.resolve("git"))) {
            git.write("clusters/x/one.yaml", topic(prefix + "one", cluster, 1));
            git.commitAndPush("one topic");
            String cache = tmp.resolve("cache").toString();
            // an inventory made by an older kgr, under a name hashed from a checkout path
            Kgr.Result legacy = kgr("apply", "--repo", git.url(), "--cache-dir", cache, "--source-name", "work-1a2b3c4d",
                    "--auto-approve");
            assertThat(legacy.exitCode()).as(legacy.all()).isZero();

            Kgr.Result refused = kgr("plan", "--repo", git.url(), "--cache-dir", cache);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.out()).contains("managed by another source ('work-1a2b3c4d')",
                    "kgr inventory hand-over --cluster " + cluster + " --from 'work-1a2b3c4d' --to 'git:");
            String to = refused.out().replaceAll("(?s).*--to '([^']+)'.*", "$1");

            Kgr.Result dryRun = Kgr.run("inventory", "hand-over", "--bootstrap-server", kafka.bootstrapServers(),
                    "--cluster", cluster, "--from", "work-1a2b3c4d", "--to", to);
            assertThat(dryRun.exitCode()).as(dryRun.all()).isZero();
            assertThat(dryRun.out()).contains("~ topic " + prefix + "one", "Dry run: nothing was written");
            assertThat(kgr("plan", "--repo", git.url(), "--cache-dir", cache).exitCode()).as("a dry run changes nothing").isEqualTo(1);

            Kgr.Result handOver = Kgr.run("inventory", "hand-over", "--bootstrap-server", kafka.bootstrapServers(),
                    "--cluster", cluster, "--from", "work-1a2b3c4d", "--to", to, "--auto-approve");
            assertThat(handOver.exitCode()).as(handOver.all()).isZero();
            Kgr.Result list = Kgr.run("inventory", "list", "--bootstrap-server", kafka.bootstrapServers(), "--cluster", cluster,
                    "-o", "json");
            assertThat(list.out()).contains("\"source\" : \"" + to + "\"", prefix + "one").doesNotContain("work-1a2b3c4d");

            // the URL, a clone at one path and a clone at another are the same source
            assertThat(kgr("plan", "--repo", git.url(), "--cache-dir", cache, "-o", "json").changes()).isEmpty();
            for (String where : List.of("runner-1/kafka-gitops", "runner-2/workspace")) {
                Path checkout = tmp.resolve(where);
                org.eclipse.jgit.api.Git.cloneRepository().setURI(git.url()).setDirectory(checkout.toFile()).call().close();
                Kgr.Result plan = kgr("plan", "--repo", checkout.toString(), "--prune", "-o", "json");
                assertThat(plan.exitCode()).as(plan.all()).isZero();
                assertThat(plan.changes()).isEmpty();
            }
        }
    }

    @Test
    void throttlesOtherToolsSetSurviveEveryPlanAndApply() throws Exception {
        String t = prefix + "moving";
        Path repo = dir("repo", Map.of("t.yaml", topic(t, cluster, 2, 1, Map.of("retention.ms", 3600000))));
        assertThat(kgr("apply", "--repo", repo.toString(), "--auto-approve").exitCode()).isZero();
        // what kafka-reassign-partitions --throttle sets while it moves replicas
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, t), List.of(
                new AlterConfigOp(new ConfigEntry("leader.replication.throttled.replicas", "0:0,1:0"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("follower.replication.throttled.replicas", "0:0,1:0"), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
        Map<String, String> moving = Map.of("retention.ms", "3600000", "leader.replication.throttled.replicas", "0:0,1:0",
                "follower.replication.throttled.replicas", "0:0,1:0");
        awaitOverrides(t, moving);
        assertThat(kgr("plan", "--repo", repo.toString(), "-o", "json").changes()).isEmpty();
        Files.writeString(repo.resolve("t.yaml"), topic(t, cluster, 2, 1, Map.of("retention.ms", 7200000)));
        Kgr.Result apply = kgr("apply", "--repo", repo.toString(), "--auto-approve");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(apply.out()).doesNotContain("throttled");
        awaitOverrides(t, Map.of("retention.ms", "7200000", "leader.replication.throttled.replicas", "0:0,1:0",
                "follower.replication.throttled.replicas", "0:0,1:0"));
    }

    /** The cluster as a program using kgr's stages directly sees it (not through the CLI). */
    private io.kgr.Target target(io.kgr.inventory.KafkaInventoryStore store) {
        return new io.kgr.Target(java.util.Optional.of(cluster), kafka.bootstrapServers(),
                new io.kgr.observe.AdminKafkaState(admin, java.time.Duration.ofSeconds(30)), store);
    }

    private io.kgr.source.SourceSpec source(Path repo) {
        return new io.kgr.source.SourceSpec(repo.toString(), java.util.Optional.empty(), "", tmp.resolve("cache"),
                java.util.Optional.empty());
    }

    @Test
    void aPruneThatNeverRanStaysInTheInventoryAndTheNextPruneRetriesIt() throws Exception {
        Path repo = dir("repo", Map.of("keep.yaml", topic(prefix + "keep", cluster, 1), "gone.yaml", topic(prefix + "gone", cluster, 1)));
        assertThat(kgr("apply", "--repo", repo.toString(), "--auto-approve").exitCode()).isZero();
        Files.delete(repo.resolve("gone.yaml"));

        // a service shutting down as the apply starts: no step runs, and the inventory still records what is true
        var store = new io.kgr.inventory.KafkaInventoryStore(admin, kafka.clientProperties(Map.of()), java.time.Duration.ofSeconds(30));
        var target = target(store);
        var source = source(repo);
        var run = new io.kgr.Reconciler(java.time.Clock.systemUTC(), io.kgr.desired.SecretResolver.none())
                .plan(source, null, target, io.kgr.plan.Policy.defaults(true));
        var plan = run.plan().orElseThrow();
        assertThat(plan.steps()).extracting(io.kgr.plan.Step::id).contains("delete-topic:" + prefix + "gone");
        var report = new io.kgr.apply.Applier(admin, store, io.kgr.desired.SecretResolver.none(), io.kgr.apply.ApplyOptions.defaults(),
                r -> { }).stopWhen(() -> true).apply(plan);
        assertThat(report.results()).filteredOn(r -> r.stepId().equals("delete-topic:" + prefix + "gone"))
                .singleElement().satisfies(r -> assertThat(r.message()).contains("not started"));
        assertThat(liveTopics()).contains(prefix + "gone");

        Kgr.Result list = Kgr.run("inventory", "list", "--bootstrap-server", kafka.bootstrapServers(), "--cluster", cluster, "-o", "json");
        assertThat(list.out()).as("still owned, so still pruned later").contains(prefix + "gone");
        Kgr.Result retry = kgr("apply", "--repo", repo.toString(), "--prune", "--auto-approve");
        assertThat(retry.exitCode()).as(retry.all()).isZero();
        assertThat(retry.out()).contains("- delete topic " + prefix + "gone", "created by this source");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(liveTopics()).doesNotContain(prefix + "gone").contains(prefix + "keep"));
    }

    @Test
    void bulkRequestsGoTwoAtATimeSoThatNoneTimesOutBehindTheOthers() throws Exception {
        // 3 records a request: 7 creates one a request, then 7 deletes three a request, never more than 2 unanswered
        Map<String, String> files = new java.util.TreeMap<>();
        for (int i = 0; i < 7; i++) files.put("t" + i + ".yaml", Manifests.topic(prefix + "t" + i, cluster, 1, 1, Map.of()));
        Path repo = dir("repo", files);
        var store = new io.kgr.inventory.KafkaInventoryStore(admin, kafka.clientProperties(Map.of()), java.time.Duration.ofSeconds(30));
        var options = new io.kgr.apply.ApplyOptions(java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(1), 3);
        // each create or delete request's result; when the next is made, the earlier ones still unanswered are counted
        // from futures asked for at that moment (a future taken when the request was made completes after the one the
        // apply waits on: counting those raced with it)
        List<Object> made = new java.util.ArrayList<>();
        int[] mostUnanswered = {0};
        // the real client, counting the requests of a kind still unanswered when the next is made
        Admin counting = (Admin) java.lang.reflect.Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(admin, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (result instanceof org.apache.kafka.clients.admin.CreateTopicsResult
                            || result instanceof org.apache.kafka.clients.admin.DeleteTopicsResult) {
                        synchronized (made) {
                            made.add(result);
                            mostUnanswered[0] = Math.max(mostUnanswered[0], (int) made.stream()
                                    .filter(r -> answers(r).stream().anyMatch(f -> !f.isDone())).count());
                        }
                    }
                    return result;
                });
        var reconciler = new io.kgr.Reconciler(java.time.Clock.systemUTC(), io.kgr.desired.SecretResolver.none());
        var created = new io.kgr.apply.Applier(counting, store, io.kgr.desired.SecretResolver.none(), options, r -> { })
                .apply(reconciler.plan(source(repo), null, target(store), io.kgr.plan.Policy.defaults(false)).plan().orElseThrow());
        assertThat(created.results()).filteredOn(r -> r.stepId().startsWith("create-topic:")).hasSize(7)
                .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(io.kgr.apply.StepResult.Outcome.OK));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(liveTopics()).contains(prefix + "t0", prefix + "t6"));

        for (int i = 0; i < 7; i++) Files.delete(repo.resolve("t" + i + ".yaml"));
        var pruned = new io.kgr.apply.Applier(counting, store, io.kgr.desired.SecretResolver.none(), options, r -> { })
                .apply(reconciler.plan(source(repo), null, target(store), io.kgr.plan.Policy.defaults(true).withMassPrune(true, 100))
                        .plan().orElseThrow());
        assertThat(pruned.results()).filteredOn(r -> r.stepId().startsWith("delete-topic:")).hasSize(7)
                .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(io.kgr.apply.StepResult.Outcome.OK));
        assertThat(made).hasSize(7 + 3); // a create costs 3 records, a delete 1: 7 requests, then 3
        assertThat(mostUnanswered[0]).as("requests unanswered at once").isLessThanOrEqualTo(2); // InFlight.REQUESTS
    }

    /** A create's or delete's answers, one a topic, asked for now. */
    private static java.util.Collection<org.apache.kafka.common.KafkaFuture<Void>> answers(Object result) {
        return result instanceof org.apache.kafka.clients.admin.CreateTopicsResult c ? c.values().values()
                : ((org.apache.kafka.clients.admin.DeleteTopicsResult) result).topicNameValues().values();
    }

    @Test
    void aCreateThatFindsTheTopicAlreadyThereSucceedsOnlyWhenItHasTheDeclaredShape() throws Exception {
        // the plan is made while the topics do not exist; they appear before the apply (a broker's metadata lagging
        // kgr's own earlier create looks the same): of the declared shape it is no failure, of another it is one
        Path repo = dir("repo", Map.of("same.yaml", Manifests.topic(prefix + "same", cluster, 3, 1, Map.of()),
                "other.yaml", Manifests.topic(prefix + "other", cluster, 3, 1, Map.of())));
        var store = new io.kgr.inventory.KafkaInventoryStore(admin, kafka.clientProperties(Map.of()), java.time.Duration.ofSeconds(30));
        var target = target(store);
        var source = source(repo);
        var plan = new io.kgr.Reconciler(java.time.Clock.systemUTC(), io.kgr.desired.SecretResolver.none())
                .plan(source, null, target, io.kgr.plan.Policy.defaults(false)).plan().orElseThrow();
        admin.createTopics(List.of(new NewTopic(prefix + "same", 3, (short) 1), new NewTopic(prefix + "other", 5, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        var report = new io.kgr.apply.Applier(admin, store, io.kgr.desired.SecretResolver.none(), io.kgr.apply.ApplyOptions.defaults(),
                r -> { }).apply(plan);
        assertThat(report.results()).filteredOn(r -> r.stepId().equals("create-topic:" + prefix + "same")).singleElement()
                .satisfies(r -> assertThat(r.outcome()).isEqualTo(io.kgr.apply.StepResult.Outcome.OK));
        assertThat(report.results()).filteredOn(r -> r.stepId().equals("create-topic:" + prefix + "other")).singleElement()
                .satisfies(r -> assertThat(r.message()).contains("exists with 5 partition(s)").contains("Git declares 3"));
        // the next plan sees what is there, with nothing to create again
        Kgr.Result next = kgr("plan", "--repo", repo.toString());
        assertThat(next.out()).doesNotContain("+ create topic").contains("Kafka cannot remove partitions");
    }

    @Test
    void aTopicKgrTookOverSaysSoWhenItIsPruned() throws Exception {
        String existing = prefix + "legacy";
        admin.createTopics(List.of(new NewTopic(existing, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        Path repo = dir("repo", Map.of("a.yaml", topic(existing, cluster, 1), "b.yaml", topic(prefix + "new", cluster, 1)));
        Kgr.Result adopt = kgr("apply", "--repo", repo.toString(), "--auto-approve");
        assertThat(adopt.exitCode()).as(adopt.all()).isZero();
        Files.delete(repo.resolve("a.yaml"));
        Kgr.Result plan = kgr("plan", "--repo", repo.toString(), "--prune");
        assertThat(plan.out()).contains("- delete topic " + existing, "removed from Git; adopted by this source at dir:");
    }

    @Test
    void twoSourcesTakingOverOneTopicAtOnceDoNotBothOwnIt() throws Exception {
        String shared = prefix + "shared";
        admin.createTopics(List.of(new NewTopic(shared, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        Path repoA = dir("team-a", Map.of("t.yaml", topic(shared, cluster, 1)));
        Path repoB = dir("team-b", Map.of("t.yaml", topic(shared, cluster, 1)));
        var store = new io.kgr.inventory.KafkaInventoryStore(admin, kafka.clientProperties(Map.of()), java.time.Duration.ofSeconds(30));
        var target = new io.kgr.Target(java.util.Optional.of(cluster), kafka.bootstrapServers(),
                new io.kgr.observe.AdminKafkaState(admin, java.time.Duration.ofSeconds(30)), store);
        var reconciler = new io.kgr.Reconciler(java.time.Clock.systemUTC(), io.kgr.desired.SecretResolver.none());
        // both plan before either applies: each sees the topic unowned and adopts it
        var planA = reconciler.plan(new io.kgr.source.SourceSpec(repoA.toString(), java.util.Optional.empty(), "",
                tmp.resolve("cache"), java.util.Optional.empty()), null, target, io.kgr.plan.Policy.defaults(false)).plan().orElseThrow();
        var planB = reconciler.plan(new io.kgr.source.SourceSpec(repoB.toString(), java.util.Optional.empty(), "",
                tmp.resolve("cache"), java.util.Optional.empty()), null, target, io.kgr.plan.Policy.defaults(false)).plan().orElseThrow();
        assertThat(planA.refusals()).isEmpty();
        assertThat(planB.refusals()).isEmpty();
        var applier = new io.kgr.apply.Applier(admin, store, io.kgr.desired.SecretResolver.none(), io.kgr.apply.ApplyOptions.defaults(), r -> { });
        assertThat(applier.apply(planA).succeeded()).isTrue();
        var second = new io.kgr.apply.Applier(admin, store, io.kgr.desired.SecretResolver.none(), io.kgr.apply.ApplyOptions.defaults(), r -> { })
                .apply(planB);
        assertThat(second.succeeded()).isFalse();
        assertThat(second.results()).filteredOn(r -> r.stepId().startsWith("update-inventory:")).singleElement()
                .satisfies(r -> assertThat(r.message()).contains("topic " + shared + " ('dir:" + repoA + "')", "recorded it first"));

        Kgr.Result list = Kgr.run("inventory", "list", "--bootstrap-server", kafka.bootstrapServers(), "--cluster", cluster);
        assertThat(list.out()).contains(cluster + "  dir:" + repoA + "  1 topic(s)", cluster + "  dir:" + repoB + "  0 topic(s)");
        Kgr.Result planAgain = kgr("plan", "--repo", repoB.toString());
        assertThat(planAgain.out()).contains("! refuse topic " + shared, "managed by another source ('dir:" + repoA + "')");
    }

    @Test
    void aReadBackAfterAWriteKnowsEveryClaimWrittenBeforeIt() throws Exception {
        // the apply's check for a rival claim reads only what came between its plan's read and its own write: here
        // another store writes in that window, and once more after the write
        java.util.function.BiFunction<String, List<String>, io.kgr.inventory.Inventory> inventory = (source, topics) -> {
            java.util.TreeMap<String, String> owned = new java.util.TreeMap<>();
            topics.forEach(t -> owned.put(t, t));
            return new io.kgr.inventory.Inventory(cluster, source, "c1", java.time.Instant.now(), owned, new java.util.TreeMap<>(),
                    new java.util.TreeMap<>());
        };
        var timeout = java.time.Duration.ofSeconds(30);
        try (var mine = new io.kgr.inventory.KafkaInventoryStore(admin, kafka.clientProperties(Map.of()), timeout);
             var theirs = new io.kgr.inventory.KafkaInventoryStore(admin, kafka.clientProperties(Map.of()), timeout);
             var fresh = new io.kgr.inventory.KafkaInventoryStore(admin, kafka.clientProperties(Map.of()), timeout)) {
            theirs.save(inventory.apply("b", List.of("x"))); // the inventory topic exists before the read
            mine.loadAll();
            theirs.save(inventory.apply("b", List.of("t")));
            mine.save(inventory.apply("a", List.of("t")), java.util.Optional.of("a-key"));
            io.kgr.inventory.InventoryRecords back = mine.readBack();
            assertThat(back.writtenAt(cluster, "b")).isLessThan(back.writtenAt(cluster, "a"));
            assertThat(back.select(cluster, "a").others()).singleElement()
                    .satisfies(b -> assertThat(b.topics().keySet()).containsExactly("t"));
            assertThat(back.select(cluster, "a").own().topics().keySet()).containsExactly("t");
            assertThat(back.key(cluster, "a")).isEqualTo("a-key");
            // nothing came in between: the read-back asks nothing and equals a full read by a store that never wrote
            mine.save(inventory.apply("a", List.of("t", "u")));
            io.kgr.inventory.InventoryRecords again = mine.readBack();
            io.kgr.inventory.InventoryRecords full = fresh.loadAll();
            assertThat(again.select(cluster, "a")).isEqualTo(full.select(cluster, "a"));
            assertThat(again.writtenAt(cluster, "a")).isEqualTo(full.writtenAt(cluster, "a"));
            assertThat(again.writtenAt(cluster, "b")).isEqualTo(full.writtenAt(cluster, "b"));
            assertThat(again.version()).isEqualTo(full.version());
            // a claim written after this store's last write: the next read has it, later in the store's order
            theirs.save(inventory.apply("b", List.of("t", "v")));
            io.kgr.inventory.InventoryRecords later = mine.loadAll();
            assertThat(later.writtenAt(cluster, "b")).isGreaterThan(later.writtenAt(cluster, "a"));
            assertThat(later.select(cluster, "a").others().get(0).topics().keySet()).containsExactly("t", "v");
            // and a rival's write that lands after this store's own is not part of its read-back: the claim it
            // answers to is the one written before (a later write must not make both sides keep a topic)
            mine.save(inventory.apply("a", List.of("t")));
            theirs.save(inventory.apply("b", List.of("t", "w")));
            io.kgr.inventory.InventoryRecords racing = mine.readBack();
            assertThat(racing.writtenAt(cluster, "b")).isLessThan(racing.writtenAt(cluster, "a"));
            assertThat(racing.select(cluster, "a").others().get(0).topics().keySet()).containsExactly("t", "v");
            assertThat(mine.loadAll().select(cluster, "a").others().get(0).topics().keySet()).containsExactly("t", "w");
        }
    }

    @Test
    void aPlanRightAfterAnApplyWaitsUntilTheBrokersListWhatItCreated() throws Exception {
        // The controller acknowledges creates long before the brokers list the topics (10,000 new ones: ≈ 20 s on two
        // cores; the serve benchmark planned thousands of creates again from such a listing). A real broker, with that
        // lag put in front of it: its first two listings and its bulk observation miss what the apply created.
        String a = prefix + "lag-a", b = prefix + "lag-b";
        Path repo = dir("repo", Map.of("a.yaml", topic(a, cluster, 1), "b.yaml", topic(b, cluster, 1)));
        Kgr.Result apply = kgr("apply", "--repo", repo.toString(), "--auto-approve");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        // compaction never cleans an active segment: the inventory's roll hourly, or every plan reads every apply's record
        var inventory = new ConfigResource(ConfigResource.Type.TOPIC, "__kgr_inventory");
        assertThat(admin.describeConfigs(List.of(inventory)).all().get(30, TimeUnit.SECONDS).get(inventory)
                .get("segment.ms").value()).isEqualTo("3600000");
        var real = new io.kgr.observe.AdminKafkaState(admin, java.time.Duration.ofSeconds(30));
        // the finalized metadata.version is observed (a release below it is refused), as the broker reports it
        assertThat(real.observe().metadataVersionLevel()).isPositive().isEqualTo(admin.describeFeatures().featureMetadata()
                .get(30, TimeUnit.SECONDS).finalizedFeatures().get("metadata.version").maxVersionLevel());
        var listings = new java.util.concurrent.atomic.AtomicInteger();
        var rereads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.Set<String> lagging = java.util.Set.of(a, b);
        io.kgr.observe.KafkaState lagged = new io.kgr.observe.KafkaState() {
            @Override
            public io.kgr.observe.LiveState observe() throws io.kgr.observe.ObserveException {
                var l = real.observe();
                var topics = new java.util.TreeMap<>(l.topics());
                topics.keySet().removeAll(lagging);
                return new io.kgr.observe.LiveState(l.clusterId(), l.brokers(), topics, l.scramUsers(), l.acls(),
                        l.aclsEnabled(), l.userQuotas(), l.brokerDefaults(), l.activeController(), l.topicDefaults());
            }

            @Override
            public io.kgr.observe.LiveState observe(io.kgr.observe.LiveState earlier, java.util.Set<String> topics)
                    throws io.kgr.observe.ObserveException {
                // on several brokers, the one asked to describe them may lag the one that listed them: once, here
                if (rereads.incrementAndGet() > 1) return real.observe(earlier, topics);
                var remaining = new java.util.TreeSet<>(topics);
                remaining.removeAll(lagging);
                return real.observe(earlier, remaining);
            }

            @Override
            public java.util.Set<String> topicNames() throws io.kgr.observe.ObserveException {
                var names = new java.util.TreeSet<>(real.topicNames());
                if (listings.incrementAndGet() <= 2) names.removeAll(lagging);
                return names;
            }

            @Override
            public ControllerTopics atTheController(java.util.Set<String> topics) {
                return real.atTheController(topics); // the controller does not lag: the real one answers
            }
        };
        var store = new io.kgr.inventory.KafkaInventoryStore(admin, kafka.clientProperties(Map.of()), java.time.Duration.ofSeconds(30));
        var target = new io.kgr.Target(java.util.Optional.of(cluster), kafka.bootstrapServers(), lagged, store);
        var plan = new io.kgr.Reconciler(java.time.Clock.systemUTC(), io.kgr.desired.SecretResolver.none())
                .plan(source(repo), null, target, io.kgr.plan.Policy.defaults(true)).plan().orElseThrow();
        assertThat(plan.steps()).as("nothing created again: the plan waited for the listing").isEmpty();
        assertThat(listings.get()).as("polled the names until both were listed, and again after the first re-read")
                .isEqualTo(4);
        assertThat(rereads.get()).as("read again until they could be described").isEqualTo(2);

        // minutes after the apply the brokers may still lag (50,000 topics on four brokers here): the controller has
        // them, so the plan still waits rather than creating them again
        listings.set(0);
        rereads.set(0);
        var later = java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(5));
        var stillLagging = new io.kgr.Reconciler(later, io.kgr.desired.SecretResolver.none())
                .plan(source(repo), null, target, io.kgr.plan.Policy.defaults(true)).plan().orElseThrow();
        assertThat(stillLagging.steps()).isEmpty();
        assertThat(listings.get()).isEqualTo(4);

        // a topic the controller does not have was deleted behind kgr's back: created again at once, without waiting,
        // even right after the apply
        admin.deleteTopics(List.of(b)).all().get(30, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> !liveTopics().contains(b));
        var deleted = new io.kgr.observe.KafkaState() {
            @Override
            public io.kgr.observe.LiveState observe() throws io.kgr.observe.ObserveException {
                return real.observe();
            }

            @Override
            public java.util.Set<String> topicNames() throws io.kgr.observe.ObserveException {
                listings.incrementAndGet();
                return real.topicNames();
            }

            @Override
            public ControllerTopics atTheController(java.util.Set<String> topics) {
                return real.atTheController(topics);
            }
        };
        listings.set(0);
        var drift = new io.kgr.Reconciler(java.time.Clock.systemUTC(), io.kgr.desired.SecretResolver.none())
                .plan(source(repo), null, new io.kgr.Target(java.util.Optional.of(cluster), kafka.bootstrapServers(), deleted, store),
                        io.kgr.plan.Policy.defaults(true)).plan().orElseThrow();
        assertThat(drift.steps()).extracting(io.kgr.plan.Step::id).containsExactly("create-topic:" + b);
        assertThat(listings.get()).as("no polling for a topic the controller does not have").isZero();
        assertThat(real.atTheController(java.util.Set.of(a, b)))
                .isEqualTo(new io.kgr.observe.KafkaState.ControllerTopics(java.util.Set.of(a), java.util.Set.of(b)));
        assertThat(liveTopics()).as("asking the controller created nothing").doesNotContain(b);

        // a topic the brokers list but whose description never comes (not a lag): read again for a few seconds, not
        // for the 90 s a recorded topic nobody can be asked about gets
        rereads.set(0);
        var unreadable = new io.kgr.observe.KafkaState() {
            @Override
            public io.kgr.observe.LiveState observe() throws io.kgr.observe.ObserveException {
                return lagged.observe();
            }

            @Override
            public io.kgr.observe.LiveState observe(io.kgr.observe.LiveState earlier, java.util.Set<String> topics)
                    throws io.kgr.observe.ObserveException {
                rereads.incrementAndGet();
                var remaining = new java.util.TreeSet<>(topics);
                remaining.remove(a);
                return real.observe(earlier, remaining);
            }

            @Override
            public java.util.Set<String> topicNames() throws io.kgr.observe.ObserveException {
                return real.topicNames();
            }

            @Override
            public ControllerTopics atTheController(java.util.Set<String> topics) {
                return real.atTheController(topics);
            }
        };
        long started = System.nanoTime();
        var stuck = new io.kgr.Reconciler(java.time.Clock.systemUTC(), io.kgr.desired.SecretResolver.none())
                .plan(source(repo), null, new io.kgr.Target(java.util.Optional.of(cluster), kafka.bootstrapServers(), unreadable, store),
                        io.kgr.plan.Policy.defaults(true)).plan().orElseThrow();
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(60));
        assertThat(rereads.get()).as("it was read again before giving up").isGreaterThan(1);
        assertThat(stuck.steps()).extracting(io.kgr.plan.Step::id).contains("create-topic:" + a, "create-topic:" + b);
    }

    @Test
    void aStoreReadsTheInventoriesAgainOnlyAfterARecordWasWritten() throws Exception {
        Path repo = dir("repo", Map.of("a.yaml", topic(prefix + "inv-a", cluster, 1)));
        assertThat(kgr("apply", "--repo", repo.toString(), "--auto-approve").exitCode()).isZero();
        var reader = new io.kgr.inventory.KafkaInventoryStore(admin, kafka.clientProperties(Map.of()), java.time.Duration.ofSeconds(30));
        var first = reader.loadAll();
        assertThat(reader.loadAll()).as("nothing written since: what it read then").isSameAs(first);

        // another process (here: another store) writes: the next read sees it
        var writer = new io.kgr.inventory.KafkaInventoryStore(admin, kafka.clientProperties(Map.of()), java.time.Duration.ofSeconds(30));
        var mine = first.all().stream().filter(i -> i.topics().containsKey(prefix + "inv-a")).findFirst().orElseThrow();
        var more = new java.util.TreeMap<>(mine.topics());
        more.put(prefix + "inv-b", prefix + "inv-b");
        writer.save(new io.kgr.inventory.Inventory(mine.cluster(), mine.source(), mine.commit(), java.time.Instant.now(), more,
                mine.users(), mine.adopted()));
        var after = reader.loadAll();
        assertThat(after).isNotSameAs(first);
        assertThat(after.version()).isNotEqualTo(first.version());
        assertThat(after.all()).filteredOn(i -> i.source().equals(mine.source())).singleElement()
                .satisfies(i -> assertThat(i.topics()).containsKey(prefix + "inv-b"));
        // it read on from where it stopped: the same as reading everything from the beginning
        var everything = new io.kgr.inventory.KafkaInventoryStore(admin, kafka.clientProperties(Map.of()),
                java.time.Duration.ofSeconds(30)).loadAll();
        assertThat(after.all()).containsExactlyInAnyOrderElementsOf(everything.all());
        assertThat(List.of(after.keys(), after.offsets(), after.version()))
                .isEqualTo(List.of(everything.keys(), everything.offsets(), everything.version()));
    }

    @Test
    void configsAreReadAFewTopicsARequestAndATopicThatIsGoneIsLeftOut() throws Exception {
        List<String> names = new java.util.ArrayList<>();
        List<NewTopic> created = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            names.add(prefix + "t" + i);
            created.add(new NewTopic(prefix + "t" + i, 1, (short) 1).configs(Map.of("retention.ms", String.valueOf(60_000 + i))));
        }
        admin.createTopics(created).all().get(30, TimeUnit.SECONDS);
        names.add(3, prefix + "never-created"); // asked among the others, as a topic deleted after the listing is
        awaitOverrides(prefix + "t6", Map.of("retention.ms", "60006"));

        // 8 names, 2 a request: 4 requests taking turns between two clients, 2 each in flight
        Map<String, String> seen = new java.util.TreeMap<>();
        List<String> order = new java.util.ArrayList<>();
        try (Admin second = kafka.admin()) {
            second.describeCluster().nodes().get(30, TimeUnit.SECONDS); // connected before counting
            double firstBefore = requestsSent(admin);
            double secondBefore = requestsSent(second);
            io.kgr.observe.TopicConfigs.ask(List.of(admin, second), names, 2).drain((topic, config) -> {
                order.add(topic);
                seen.put(topic, config.get("retention.ms").value());
            }, 30_000);
            // each client sent its 2 (and perhaps a metadata refresh or a new connection's version check)
            assertThat(requestsSent(admin) - firstBefore).isGreaterThanOrEqualTo(2);
            assertThat(requestsSent(second) - secondBefore).isGreaterThanOrEqualTo(2);
        }
        Map<String, String> expected = new java.util.TreeMap<>();
        for (int i = 0; i < 7; i++) expected.put(prefix + "t" + i, String.valueOf(60_000 + i));
        assertThat(seen).isEqualTo(expected);
        assertThat(order).hasSize(7); // each topic once
        admin.deleteTopics(expected.keySet()).all().get(30, TimeUnit.SECONDS); // the class's other plans list the unmanaged
    }

    /** Requests a client has sent, by its own count (admin-client-metrics request-total). */
    private static double requestsSent(Admin client) {
        return client.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("request-total") && e.getKey().group().equals("admin-client-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }
}

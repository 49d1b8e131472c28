package io.kgr.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.kgr.desired.DesiredStateBuilder;
import io.kgr.source.Snapshot;
import io.kgr.source.SourceFile;

class ManifestLoaderTest {
    private final ManifestLoader loader = new ManifestLoader(new SchemaCatalog());

    private static Snapshot snapshot(String... pathThenContent) {
        List<SourceFile> files = new ArrayList<>();
        for (int i = 0; i < pathThenContent.length; i += 2) {
            files.add(new SourceFile(pathThenContent[i], pathThenContent[i + 1].getBytes(StandardCharsets.UTF_8)));
        }
        return new Snapshot("test", "", "dir:0", files);
    }

    private static String topic(String name, String extraSpec) {
        return "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata:\n  name: " + name
                + "\n  labels:\n    strimzi.io/cluster: c1\nspec:\n  partitions: 1\n" + extraSpec;
    }

    private List<String> errors(Snapshot s) {
        var result = new DesiredStateBuilder(Optional.empty()).build(loader.load(s));
        return result.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::format).toList();
    }

    @Test
    void readsSeveralDocumentsPerFileAndSkipsOtherTools() {
        String other = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n";
        Manifests m = loader.load(snapshot("a.yaml", topic("one", "") + "---\n" + topic("two", "") + "---\n" + other));
        assertThat(m.diagnostics()).isEmpty();
        assertThat(m.manifests()).extracting(Manifest::name).containsExactly("one", "two");
        assertThat(m.manifests().get(1).start().line()).isEqualTo(10);
    }

    @Test
    void aListAsKubectlPrintsItIsReadItemByItemWithPositionsInTheFile() {
        // kubectl get kafkatopics -o yaml: a v1 List, each item with what the API server added
        String list = """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: kafka.strimzi.io/v1
                  kind: KafkaTopic
                  metadata:
                    name: first
                    namespace: kafka
                    labels: {strimzi.io/cluster: c1}
                    resourceVersion: "123"
                    uid: 6c3b2f1e-0000-4000-8000-000000000001
                    creationTimestamp: "2026-12-01T10:00:00Z"
                    generation: 1
                  spec: {partitions: 3, replicas: 1}
                  status:
                    conditions: [{type: Ready, status: "True"}]
                - apiVersion: kafka.strimzi.io/v1
                  kind: KafkaTopic
                  metadata:
                    name: second
                    labels: {strimzi.io/cluster: c1}
                  spec: {partitions: 0, replicas: 1}
                metadata: {resourceVersion: ""}
                """;
        Manifests m = loader.load(snapshot("list.yaml", list));
        assertThat(m.ofKind("KafkaTopic")).extracting(Manifest::name).containsExactly("first", "second");
        var result = new DesiredStateBuilder(Optional.empty()).build(m);
        // the second item's error points at its own line in the file
        assertThat(result.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::format).toList())
                .singleElement().asString().startsWith("list.yaml:22:").contains("spec.partitions");
    }

    @Test
    void duplicateKeysAreErrorsAtTheSecondKey() {
        assertThat(errors(snapshot("d.yaml", topic("t", "  partitions: 2\n"))))
                .containsExactly("d.yaml:9:3  spec.partitions  duplicate key 'partitions' (first defined at line 8)");
    }

    @Test
    void aliasBombsAreRefused() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'z'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *")
                    .append(p).append(", *").append(p).append(", *").append(p).append("]\n");
        }
        assertThat(errors(snapshot("bomb.yaml", bomb.toString()))).singleElement().asString()
                .startsWith("bomb.yaml:1:1  -  YAML rejected");
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "a: " + "[".repeat(200) + "]".repeat(200) + "\n";
        assertThat(errors(snapshot("deep.yaml", deep))).singleElement().asString().contains("deep.yaml:1:");
    }

    @Test
    void oversizedFilesAreRefused() {
        String big = "# " + "x".repeat(SafeYaml.MAX_FILE_CODE_POINTS + 10) + "\n";
        assertThat(errors(snapshot("big.yaml", big))).singleElement().asString().contains("big.yaml:1:1");
    }

    @Test
    void schemaErrorsNameFieldAndPosition() {
        String bad = "apiVersion: kafka.strimzi.io/v1alpha1\nkind: KafkaTopic\nmetadata:\n  name: Bad_Name\nspec:\n"
                + "  partitions: 0\n  replicas: 1.5\n";
        assertThat(errors(snapshot("s.yaml", bad))).containsExactlyInAnyOrder(
                "s.yaml:1:13  apiVersion  'kafka.strimzi.io/v1alpha1' is not one of kafka.strimzi.io/v1beta2, kafka.strimzi.io/v1"
                        + " (did you mean 'kafka.strimzi.io/v1beta2'?)",
                "s.yaml:4:9  metadata.name  does not match the regex pattern ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
                "s.yaml:6:15  spec.partitions  must have a minimum value of 1",
                "s.yaml:7:13  spec.replicas  number found, integer expected",
                "s.yaml:4:3  metadata.labels[\"strimzi.io/cluster\"]  label strimzi.io/cluster is missing and no --cluster was given");
    }

    @Test
    void aValueOutsideAnEnumerationGetsTheOneItMostLikelyMeant() {
        String user = "apiVersion: kafka.strimzi.io/v1\nkind: KafkaUser\nmetadata:\n  name: u\n  labels: {strimzi.io/cluster: c1}\n"
                + "spec:\n  authentication: {type: TLS}\n  authorization:\n    type: simple\n    acls:\n"
                + "      - resource: {type: topic, name: t}\n        operations: [Raed, Fly]\n";
        assertThat(errors(snapshot("u.yaml", user))).containsExactlyInAnyOrder(
                "u.yaml:7:26  spec.authentication.type  'TLS' is not one of scram-sha-512, scram-sha-256, tls, tls-external"
                        + " (did you mean 'tls'?)",
                "u.yaml:12:22  spec.authorization.acls[0].operations[0]  'Raed' is not one of Read, Write, Create, Delete,"
                        + " Alter, Describe, ClusterAction, AlterConfigs, DescribeConfigs, IdempotentWrite, All (did you mean 'Read'?)",
                "u.yaml:12:28  spec.authorization.acls[0].operations[1]  'Fly' is not one of Read, Write, Create, Delete,"
                        + " Alter, Describe, ClusterAction, AlterConfigs, DescribeConfigs, IdempotentWrite, All");
    }

    @Test
    void crossChecksReportEveryProblemAtOnce() {
        var s = snapshot(
                "a.yaml", topic("dup", ""),
                "b.yaml", topic("dup", ""),
                "c.yaml", topic("c", "  replicas: 2\n  config:\n    min.insync.replicas: 3\n    retension.ms: 5\n"),
                "d.yaml", topic("d", "  topicName: \"bad name!\"\n"),
                "e.yaml", topic("e.x", "") + "---\n" + topic("e-x", "  topicName: e_x\n"));
        assertThat(errors(s)).containsExactly(
                "b.yaml:1:1  metadata.name  topic 'dup' is declared twice: also in a.yaml:1",
                "c.yaml:11:26  spec.config[\"min.insync.replicas\"]  min.insync.replicas (3) is greater than replicas (2): no write with acks=all could succeed",
                "c.yaml:12:5  spec.config[\"retension.ms\"]  unknown topic config 'retension.ms' (did you mean 'retention.ms'?)",
                "d.yaml:9:14  spec.topicName  topic name 'bad name!' has characters Kafka does not allow (only ASCII letters, digits, '.', '_' and '-')",
                "e.yaml:10:1  metadata.name  topic 'e_x' collides with topic 'e.x': Kafka treats '.' and '_' alike in topic names");
    }

    @Test
    void topicsOfOtherClustersAreSkippedAndUnlabelledOnesTakeTheDefault() {
        String unlabelled = "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: plain\nspec: {}\n";
        String other = topic("elsewhere", "").replace("strimzi.io/cluster: c1", "strimzi.io/cluster: c2");
        var result = new DesiredStateBuilder(Optional.of("c1"))
                .build(loader.load(snapshot("a.yaml", topic("mine", ""), "b.yaml", unlabelled, "c.yaml", other)));
        assertThat(result.state()).get().satisfies(d -> {
            assertThat(d.cluster()).isEqualTo("c1");
            assertThat(d.topics()).containsOnlyKeys("mine", "plain");
        });
    }

    @Test
    void configValuesBecomeKafkaStrings() {
        var result = new DesiredStateBuilder(Optional.empty()).build(loader.load(snapshot("a.yaml", topic("t",
                "  config:\n    retention.ms: 604800000\n    cleanup.policy: [compact, delete]\n"
                        + "    min.cleanable.dirty.ratio: 0.50\n    unclean.leader.election.enable: false\n"
                        + "    max.message.bytes: 1048576.0\n    retention.bytes: -1\n"
                        + "    local.retention.ms: 9223372036854775807\n"))));
        assertThat(result.state().get().topics().get("t").config()).containsExactlyEntriesOf(new java.util.TreeMap<>(java.util.Map.of(
                "retention.ms", "604800000", "cleanup.policy", "compact,delete", "min.cleanable.dirty.ratio", "0.5",
                "unclean.leader.election.enable", "false", "max.message.bytes", "1048576", "retention.bytes", "-1",
                "local.retention.ms", "9223372036854775807")));
    }

    @Test
    void usersBecomeBindingsPerOperationWithDeprecatedFormsAccepted() throws Exception {
        java.nio.file.Path secrets = java.nio.file.Files.createTempDirectory("secrets");
        java.nio.file.Files.createDirectories(secrets.resolve("app"));
        java.nio.file.Files.writeString(secrets.resolve("app").resolve("password"), "s3cret\n");
        String user = "apiVersion: kafka.strimzi.io/v1\nkind: KafkaUser\nmetadata:\n  name: app\n  labels:\n"
                + "    strimzi.io/cluster: c1\nspec:\n  authentication:\n    type: scram-sha-512\n    password:\n"
                + "      valueFrom:\n        secretKeyRef: {name: app, key: password}\n  authorization:\n    type: simple\n"
                + "    acls:\n      - resource: {type: transactionalId, name: app-, patternType: prefix}\n"
                + "        operation: Write\n      - resource: {type: cluster}\n        operations: [IdempotentWrite]\n"
                + "        host: 10.0.0.1\n        type: deny\n  quotas: {producerByteRate: 1024, controllerMutationRate: 0.5}\n";
        String tls = "apiVersion: kafka.strimzi.io/v1\nkind: KafkaUser\nmetadata:\n  name: reader\n  labels:\n"
                + "    strimzi.io/cluster: c1\nspec:\n  authentication: {type: tls}\n";
        var result = new DesiredStateBuilder(Optional.empty(), new io.kgr.desired.SecretResolver(Optional.of(secrets), java.util.Map.of()))
                .build(loader.load(snapshot("u.yaml", user, "t.yaml", tls)));
        assertThat(result.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.isError()).isFalse();
            assertThat(d.format()).contains("u.yaml:17:20", "operation is deprecated; use operations: [Write]");
        });
        var app = result.state().orElseThrow().users().get("app");
        assertThat(app.principal()).isEqualTo("User:app");
        assertThat(app.password()).get().satisfies(p -> assertThat(p.reveal()).isEqualTo("s3cret"));
        assertThat(app.acls()).extracting(io.kgr.model.AclRule::describe).containsExactly(
                "DENY IDEMPOTENT_WRITE on CLUSTER kafka-cluster (LITERAL) from 10.0.0.1",
                "ALLOW WRITE on TRANSACTIONAL_ID app- (PREFIXED) from *");
        assertThat(app.quotas()).containsEntry("producer_byte_rate", 1024.0).containsEntry("controller_mutation_rate", 0.5);
        assertThat(result.state().get().users().get("reader").principal()).isEqualTo("User:CN=reader");
    }

    @Test
    void secretsAreOnlyReportedWhenValidatingWithoutThem() {
        String user = "apiVersion: kafka.strimzi.io/v1\nkind: KafkaUser\nmetadata:\n  name: app\n  labels:\n"
                + "    strimzi.io/cluster: c1\nspec:\n  authentication:\n    type: scram-sha-512\n    password:\n"
                + "      valueFrom:\n        secretKeyRef: {name: app, key: password}\n";
        var unchecked = new DesiredStateBuilder(Optional.empty(), io.kgr.desired.SecretResolver.unchecked())
                .build(loader.load(snapshot("u.yaml", user)));
        assertThat(unchecked.ok()).isTrue();
        assertThat(unchecked.diagnostics()).singleElement().satisfies(d -> assertThat(d.message()).contains("not checked"));
        var checked = new DesiredStateBuilder(Optional.empty(), io.kgr.desired.SecretResolver.none())
                .build(loader.load(snapshot("u.yaml", user)));
        assertThat(checked.ok()).isFalse();
        assertThat(checked.diagnostics()).singleElement().satisfies(d -> assertThat(d.format())
                .contains("u.yaml:12:23", "password secret app/password not found", "KGR_SECRET_APP_PASSWORD"));
    }

    @Test
    void valuesTheBrokerWouldRefuseAreErrorsAtTheirKeyAllAtOnce() {
        List<String> errors = errors(snapshot("a.yaml", topic("t", "  config:\n    retention.ms: 7days\n"
                + "    cleanup.policy: compacted\n    preallocate: \"yes please\"\n    min.cleanable.dirty.ratio: 2\n"
                + "    segment.bytes: 604800000\n")));
        assertThat(errors).hasSize(4);
        assertThat(errors.get(0)).startsWith("a.yaml:10:19  spec.config[\"retention.ms\"]  ").contains("7days", "LONG");
        assertThat(errors.get(1)).startsWith("a.yaml:11:21  spec.config[\"cleanup.policy\"]  ").contains("compact, delete");
        assertThat(errors.get(2)).startsWith("a.yaml:12:18  spec.config.preallocate  ").contains("true or false");
        assertThat(errors.get(3)).startsWith("a.yaml:13:32  spec.config[\"min.cleanable.dirty.ratio\"]  ");
        assertThat(errors(snapshot("a.yaml", topic("t", "  config:\n    retention.ms: -1\n    cleanup.policy: [compact, delete]\n"
                + "    leader.replication.throttled.replicas: \"0:1,1:2\"\n")))).as("values the broker takes").isEmpty();
    }

    @Test
    void kindsOfStrimziGroupsAreErrorsWhenUnknownAndOneWarningPerUnmanagedKind() {
        String typo = topic("t", "").replace("kind: KafkaTopic", "kind: KafkaTopik");
        String connect = "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaConnect\nmetadata: {name: c}\nspec: {}\n";
        String podSet = "apiVersion: core.strimzi.io/v1beta2\nkind: StrimziPodSet\nmetadata: {name: p}\nspec: {}\n";
        String core = "apiVersion: core.strimzi.io/v1beta2\nkind: Whatever\nmetadata: {name: w}\n";
        Manifests m = loader.load(snapshot("a.yaml", typo, "b.yaml", connect + "---\n" + connect, "c.yaml", podSet,
                "d.yaml", core));
        assertThat(m.diagnostics()).filteredOn(Diagnostic::isError).extracting(Diagnostic::format).containsExactly(
                "a.yaml:2:7  kind  unknown kind 'KafkaTopik' in kafka.strimzi.io/v1beta2; kgr reads Kafka, KafkaNodePool,"
                        + " KafkaTopic and KafkaUser (kafka.strimzi.io), and ignores Strimzi's other kinds",
                "d.yaml:2:7  kind  unknown kind 'Whatever' in core.strimzi.io/v1beta2; kgr reads Kafka, KafkaNodePool,"
                        + " KafkaTopic and KafkaUser (kafka.strimzi.io), and ignores Strimzi's other kinds");
        assertThat(m.diagnostics()).filteredOn(d -> !d.isError()).extracting(Diagnostic::format).containsExactly(
                "b.yaml:2:7  kind  warning: 2 KafkaConnect document(s) ignored: kgr does not manage KafkaConnect"
                        + " (Strimzi's operators do); kgr plans Kafka, KafkaNodePool, KafkaTopic and KafkaUser",
                "c.yaml:2:7  kind  warning: 1 StrimziPodSet document(s) ignored: kgr does not manage StrimziPodSet"
                        + " (Strimzi's operators do); kgr plans Kafka, KafkaNodePool, KafkaTopic and KafkaUser");
    }

    @Test
    void aFileThatIsNotUtf8IsAnErrorNamingItsFirstBadByte() {
        byte[] latin1 = topic("caf\u00e9", "").getBytes(StandardCharsets.ISO_8859_1);
        Manifests m = loader.load(new Snapshot("test", "", "dir:0", List.of(new io.kgr.source.SourceFile("latin1.yaml", latin1))));
        assertThat(m.manifests()).isEmpty();
        assertThat(m.diagnostics()).extracting(Diagnostic::format)
                .containsExactly("latin1.yaml:4:12  -  file is not valid UTF-8 (byte 0xe9); save it as UTF-8");
    }

    @Test
    void labelsForClustersNobodyDeclaresAreWarnedAboutAndCounted() throws Exception {
        String typo = topic("lost", "").replace("strimzi.io/cluster: c1", "strimzi.io/cluster: c1-typo");
        String kafka = java.nio.file.Files.readString(java.nio.file.Path.of("../../samples-repo/clusters/seed/kafka.yaml"));
        String declared = topic("theirs", "").replace("strimzi.io/cluster: c1", "strimzi.io/cluster: seed");
        var result = new DesiredStateBuilder(Optional.of("c1"))
                .build(loader.load(snapshot("a.yaml", topic("mine", ""), "b.yaml", typo, "c.yaml", declared, "k.yaml", kafka)));
        assertThat(result.diagnostics()).filteredOn(d -> d.field().contains("strimzi.io/cluster")).extracting(Diagnostic::format)
                .containsExactly("b.yaml:6:25  metadata.labels[\"strimzi.io/cluster\"]  warning: KafkaTopic lost is labelled for"
                        + " cluster 'c1-typo', which no Kafka manifest in the repository declares and which is not the target"
                        + " cluster 'c1'; skipped",
                        // another cluster of the repository: said once in the run's result, not only in the plan's notes
                        "c.yaml:6:25  metadata.labels[\"strimzi.io/cluster\"]  warning: 1 manifest(s) of cluster 'seed'"
                        + " (declared in this repository) are not for the target cluster 'c1'; skipped");
        var state = result.state().orElseThrow(() -> new AssertionError(result.diagnostics()));
        assertThat(state.topics()).containsOnlyKeys("mine");
        assertThat(state.skipped()).extracting(s -> s.cluster() + ":" + s.declared()).containsExactly("c1-typo:false", "seed:true");
        assertThat(state.skippedNotes()).hasSize(2);
        assertThat(state.skippedNotes().get(0)).contains("1 manifest(s) labelled strimzi.io/cluster: c1-typo were skipped",
                "a typo?", "b.yaml:6:25");
    }

    @Test
    void aTargetTheRepositoryDoesNotDeclareNeverGetsAnotherClustersKafka() throws Exception {
        String kafka = java.nio.file.Files.readString(java.nio.file.Path.of("../../samples-repo/clusters/seed/kafka.yaml"));
        String theirs = topic("theirs", "").replace("strimzi.io/cluster: c1", "strimzi.io/cluster: seed");
        Manifests repo = loader.load(snapshot("k.yaml", kafka, "t.yaml", theirs));
        // no name given: the repository's only Kafka is the cluster
        assertThat(new DesiredStateBuilder(Optional.empty()).build(repo).state().orElseThrow().kafka())
                .hasValueSatisfying(k -> assertThat(k.name()).isEqualTo("seed"));
        // a name no manifest has: an error naming the clusters the repository declares, never seed's Kafka planned as c1's
        var wrong = new DesiredStateBuilder(Optional.of("my-cluster")).build(repo);
        assertThat(wrong.ok()).isFalse();
        assertThat(wrong.diagnostics()).filteredOn(Diagnostic::isError).extracting(Diagnostic::message)
                .containsExactly("nothing in the repository is for cluster 'my-cluster': it declares [seed]; give the cluster"
                        + " name Git uses (--cluster, or the source's cluster in kgr.yaml), or label the manifests for"
                        + " 'my-cluster'");
    }
}

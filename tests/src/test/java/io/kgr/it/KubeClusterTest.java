package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.embedded.PodSimulator;
import io.kgr.observe.KubeObserver;

/**
 * A Kafka cluster on Kubernetes from Git: the fabric8 mock API server in CRUD mode stands in for Kubernetes (PodSet CRD,
 * a pod simulator for the kubelet), and a real in-process 3-broker Kafka (ids 0–2) is the cluster's broker state that
 * rolls and scale-down are checked against. Each test has its own namespace.
 */
class KubeClusterTest {
    static EmbeddedKafka kafka;
    static Admin admin;
    static EmbeddedKubernetes server;
    static KubernetesClient client;
    static PodSimulator simulator;
    static int namespaces;

    @TempDir Path tmp;
    Path repo;
    Path kubeconfig;
    String ns;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(3);
        admin = kafka.admin();
        server = EmbeddedKubernetes.start("kafka-1");
        client = server.client();
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("expandable")
                .endMetadata().withProvisioner("test").withAllowVolumeExpansion(true).build()).create();
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("fixed")
                .endMetadata().withProvisioner("test").withAllowVolumeExpansion(false).build()).create();
        simulator = new PodSimulator(client).start();
    }

    @AfterAll
    static void stop() throws Exception {
        simulator.close();
        server.close();
        admin.close();
        kafka.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        ns = "kafka-" + (++namespaces);
        repo = tmp.resolve("repo");
        Files.createDirectories(repo);
        kubeconfig = server.writeKubeconfig(tmp.resolve("kubeconfig"));
    }

    @AfterEach
    void releaseAll() {
        for (int i = 0; i < 10; i++) simulator.release("c1-brokers-" + i);
    }

    void write(int brokers, String storageClass, String size, String extraConfig) throws Exception {
        Files.writeString(repo.resolve("kafka.yaml"), """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: c1}
                spec:
                  kafka:
                    version: 4.1.0
                    listeners:
                      - {name: plain, port: 9092, type: internal, tls: false}
                      - {name: external, port: 9094, type: nodeport, tls: false}
                    config:
                      min.insync.replicas: 1
                %s""".formatted(extraConfig.indent(6)));
        Files.writeString(repo.resolve("pools.yaml"), """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: brokers, labels: {strimzi.io/cluster: c1}}
                spec:
                  replicas: %d
                  roles: [broker]
                  storage:
                    type: jbod
                    volumes: [{id: 0, type: persistent-claim, size: %s, class: %s, deleteClaim: true}]
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: controllers, labels: {strimzi.io/cluster: c1}}
                spec:
                  replicas: 1
                  roles: [controller]
                  storage: {type: persistent-claim, size: 1Gi, class: fixed}
                """.formatted(brokers, size, storageClass));
    }

    Kgr.Result kgr(String command, String... extra) {
        return Kgr.run(Kgr.args(command, new String[] {"--repo", repo.toString(), "--bootstrap-server", kafka.bootstrapServers(),
                "--namespace", ns, "--kubeconfig", kubeconfig.toString(), "--source-name", ns}, extra));
    }

    Kgr.Result apply(String... extra) {
        List<String> args = new ArrayList<>(List.of("--auto-approve", "--pod-ready-timeout", "10"));
        args.addAll(List.of(extra));
        return kgr("apply", args.toArray(String[]::new));
    }

    String revision(String pod) {
        Pod p = client.pods().inNamespace(ns).withName(pod).get();
        return p == null ? null : p.getMetadata().getAnnotations().get("kgr.io/revision");
    }

    @Test
    void aClusterIsCreatedFromGitAndTheSameCommitTwiceChangesNothing() throws Exception {
        write(3, "expandable", "10Gi", "");
        Kgr.Result plan = kgr("plan");
        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("+ create Service c1-kafka-brokers", "+ create ConfigMap c1-brokers-0",
                "+ create PersistentVolumeClaim data-0-c1-brokers-0", "+ create PodSet c1-brokers", "+ create pod c1-brokers-2",
                "+ create pod c1-controllers-3", "+ create Service c1-brokers-external-1");

        Kgr.Result apply = apply();
        assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
        assertThat(client.pods().inNamespace(ns).list().getItems()).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("c1-brokers-0", "c1-brokers-1", "c1-brokers-2", "c1-controllers-3");
        assertThat(client.genericKubernetesResources(KubeObserver.POD_SETS).inNamespace(ns).list().getItems()).hasSize(2);
        assertThat(client.configMaps().inNamespace(ns).withName("c1-brokers-1").get().getData().get("server.properties"))
                .contains("node.id=1").contains("controller.quorum.voters=3@c1-controllers-3.c1-kafka-brokers." + ns + ".svc:9090");
        assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data-0-c1-brokers-0").get().getMetadata()
                .getLabels()).containsEntry("app.kubernetes.io/managed-by", "kgr");

        Kgr.Result again = kgr("plan", "--detailed-exitcode");
        assertThat(again.exitCode()).as(again.out()).isZero();
        assertThat(again.out()).contains("No changes");

        // the Kafka manifest leaves Git (a topic stays): kgr deletes no cluster, and its plan says what is left over
        Files.delete(repo.resolve("kafka.yaml"));
        Files.delete(repo.resolve("pools.yaml"));
        Files.writeString(repo.resolve("topic.yaml"), Manifests.topic(ns + ".after", "c1", 1));
        Path saved = tmp.resolve("plan.json");
        Kgr.Result orphaned = kgr("plan", "--out", saved.toString());
        assertThat(orphaned.exitCode()).as(orphaned.out() + orphaned.err()).isZero();
        assertThat(orphaned.out()).contains("Git declares no Kafka c1, but namespace " + ns + " still holds what kgr made for it"
                + " (5 ConfigMap, ").contains("4 Pod, 2 PodSet, 6 Service").contains("kgr never deletes a whole cluster")
                .doesNotContain("- delete ");
        // a saved plan of topics only applies even though it was made without the namespace's objects
        Kgr.Result applied = kgr("apply", "--plan", saved.toString());
        assertThat(applied.exitCode()).as(applied.out() + applied.err()).isZero();
        assertThat(client.pods().inNamespace(ns).list().getItems()).hasSize(4);
        assertThat(admin.listTopics().names().get()).contains(ns + ".after");
    }

    /** A mirror of a Strimzi kind in the test's namespace. */
    io.fabric8.kubernetes.api.model.GenericKubernetesResource mirror(String kind, String name) {
        return client.genericKubernetesResources(io.kgr.model.StrimziKinds.of(kind).orElseThrow()).inNamespace(ns)
                .withName(name).get();
    }

    static tools.jackson.databind.JsonNode json(Object o) {
        return tools.jackson.databind.json.JsonMapper.builder().build().valueToTree(o);
    }

    static tools.jackson.databind.JsonNode ready(io.fabric8.kubernetes.api.model.GenericKubernetesResource r) {
        for (var c : json(r.getAdditionalProperties().get("status")).path("conditions")) {
            if (c.path("type").asString().equals("Ready")) return c;
        }
        return tools.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    void theClusterShowsGitsStrimziResourcesWithStrimzisStatus() throws Exception {
        write(3, "expandable", "10Gi", "");
        String topic = ns + ".orders";
        Files.writeString(repo.resolve("topic.yaml"), Manifests.topic(topic, "c1", 3));
        Files.writeString(repo.resolve("foreign.yaml"), Manifests.topic(ns + ".foreign", "c1", 3));
        Files.writeString(repo.resolve("user.yaml"), """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaUser
                metadata: {name: %s-alice, labels: {strimzi.io/cluster: c1}}
                spec:
                  authentication: {type: scram-sha-512}
                """.formatted(ns));
        // a KafkaTopic someone else made (Strimzi's Topic Operator, Argo CD): kgr never changes it
        var foreign = new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                .withApiVersion("kafka.strimzi.io/v1").withKind("KafkaTopic").withNewMetadata().withName(ns + ".foreign")
                .withNamespace(ns).withLabels(Map.of("strimzi.io/cluster", "c1")).endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("partitions", 9))).build();
        client.genericKubernetesResources(io.kgr.model.StrimziKinds.of("KafkaTopic").orElseThrow()).inNamespace(ns)
                .resource(foreign).create();

        Kgr.Result first = apply();
        assertThat(first.exitCode()).as(first.all()).isZero();
        assertThat(first.out()).contains("+ create KafkaTopic " + topic, "+ create Kafka c1", "+ create KafkaNodePool brokers",
                "+ create KafkaUser " + ns + "-alice").doesNotContain("create KafkaTopic " + ns + ".foreign");
        // a second run reads the topic's id, and changes nothing else
        Kgr.Result second = apply("-o", "json");
        assertThat(second.exitCode()).as(second.all()).isZero();
        assertThat(second.changes()).isEmpty();

        var kt = mirror("KafkaTopic", topic);
        assertThat(kt.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "kgr")
                .containsEntry("strimzi.io/cluster", "c1");
        assertThat(kt.getMetadata().getAnnotations()).containsEntry("strimzi.io/pause-reconciliation", "true")
                .containsEntry("kgr.io/source", ns).containsEntry("kgr.io/file", "topic.yaml").containsKey("kgr.io/commit");
        assertThat(json(kt.getAdditionalProperties().get("spec")).path("partitions").asInt()).isEqualTo(3);
        var ktStatus = json(kt.getAdditionalProperties().get("status"));
        assertThat(ready(kt).path("status").asString()).isEqualTo("True");
        assertThat(ktStatus.path("topicName").asString()).isEqualTo(topic);
        assertThat(ktStatus.path("topicId").asString()).isEqualTo(admin.describeTopics(List.of(topic)).allTopicNames().get()
                .get(topic).topicId().toString());

        // a run that changes nothing writes nothing: neither mirrors nor their status
        String topicVersion = kt.getMetadata().getResourceVersion();
        String kafkaVersion = mirror("Kafka", "c1").getMetadata().getResourceVersion();
        assertThat(apply("-o", "json").changes()).isEmpty();
        assertThat(mirror("KafkaTopic", topic).getMetadata().getResourceVersion()).isEqualTo(topicVersion);
        assertThat(mirror("Kafka", "c1").getMetadata().getResourceVersion()).isEqualTo(kafkaVersion);

        var k = json(mirror("Kafka", "c1").getAdditionalProperties().get("status"));
        assertThat(k.path("clusterId").asString()).isEqualTo(admin.describeCluster().clusterId().get());
        assertThat(k.path("kafkaVersion").asString()).isEqualTo("4.1.0");
        assertThat(k.path("listeners").get(0).path("name").asString()).isEqualTo("plain");
        assertThat(k.path("listeners").get(0).path("bootstrapServers").asString()).isEqualTo("c1-kafka-bootstrap." + ns + ".svc:9092");
        assertThat(k.path("listeners").get(1).path("type").asString()).isEqualTo("nodeport");
        assertThat(k.path("kafkaNodePools").toString()).contains("brokers", "controllers");
        var pool = json(mirror("KafkaNodePool", "brokers").getAdditionalProperties().get("status"));
        assertThat(pool.path("nodeIds").toString()).isEqualTo("[0,1,2]");
        assertThat(pool.path("roles").toString()).isEqualTo("[\"broker\"]");

        // the user's mirror names its Secret and holds no password
        var ku = mirror("KafkaUser", ns + "-alice");
        var kuStatus = json(ku.getAdditionalProperties().get("status"));
        assertThat(kuStatus.path("username").asString()).isEqualTo(ns + "-alice");
        assertThat(kuStatus.path("secret").asString()).isEqualTo(ns + "-alice");
        String password = new String(java.util.Base64.getDecoder().decode(client.secrets().inNamespace(ns)
                .withName(ns + "-alice").get().getData().get("password")), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json(ku).toString()).doesNotContain(password);

        // the other tool's KafkaTopic is as it was, and the plan says why kgr left it
        var untouched = mirror("KafkaTopic", ns + ".foreign");
        assertThat(untouched.getMetadata().getLabels()).doesNotContainKey("app.kubernetes.io/managed-by");
        assertThat(json(untouched.getAdditionalProperties().get("spec")).path("partitions").asInt()).isEqualTo(9);
        assertThat(untouched.getAdditionalProperties()).doesNotContainKey("status");
        assertThat(kgr("plan").out()).contains("are not this cluster's mirrors (KafkaTopic/" + ns + ".foreign)");

        // kubectl patch of a mirror is drift: planned with the field, reverted; the topic itself is untouched
        client.genericKubernetesResources(io.kgr.model.StrimziKinds.of("KafkaTopic").orElseThrow()).inNamespace(ns)
                .withName(topic).patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), "{\"spec\":{\"partitions\":5}}");
        Kgr.Result drift = kgr("plan", "-o", "json");
        var driftPlan = tools.jackson.databind.json.JsonMapper.builder().build().readTree(drift.out());
        assertThat(driftPlan.path("steps").toString()).contains("update-kube-object:KafkaTopic/" + topic, "spec.partitions");
        assertThat(driftPlan.path("steps")).hasSize(1);
        assertThat(apply().exitCode()).isZero();
        assertThat(json(mirror("KafkaTopic", topic).getAdditionalProperties().get("spec")).path("partitions").asInt()).isEqualTo(3);
        assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(3);

        // a refused commit shows on the resource it concerns, and clears once Git is fixed
        Files.writeString(repo.resolve("topic.yaml"), Manifests.topic(topic, "c1", 2));
        assertThat(apply().exitCode()).isEqualTo(1);
        var refused = ready(mirror("KafkaTopic", topic));
        assertThat(refused.path("status").asString()).isEqualTo("False");
        assertThat(refused.path("reason").asString()).isEqualTo("Refused");
        assertThat(refused.path("message").asString()).contains("Kafka cannot remove partitions");
        assertThat(ready(mirror("KafkaUser", ns + "-alice")).path("reason").asString()).isEqualTo("PlanRefused");
        Files.writeString(repo.resolve("topic.yaml"), Manifests.topic(topic, "c1", 3));
        assertThat(apply().exitCode()).isZero();
        assertThat(ready(mirror("KafkaTopic", topic)).path("status").asString()).isEqualTo("True");

        // kubectl sees them all (when it is installed here)
        String kubectl = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Path.of(dir, "kubectl").toFile().canExecute()) kubectl = Path.of(dir, "kubectl").toString();
        }
        if (kubectl != null) {
            Process p = new ProcessBuilder(kubectl, "--kubeconfig", kubeconfig.toString(), "get", "kafka,knp,kt,ku", "-n", ns,
                    "-o", "json").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
            var items = tools.jackson.databind.json.JsonMapper.builder().build().readTree(out).path("items");
            List<String> kinds = new ArrayList<>();
            items.forEach(i -> kinds.add(i.path("kind").asString() + "/" + i.path("metadata").path("name").asString()));
            assertThat(kinds).contains("Kafka/c1", "KafkaNodePool/brokers", "KafkaNodePool/controllers",
                    "KafkaTopic/" + topic, "KafkaTopic/" + ns + ".foreign", "KafkaUser/" + ns + "-alice");
        }
    }

    @Test
    void aNewClustersServiceNameThatDoesNotResolveYetPlansItsKubernetesObjects() throws Exception {
        // inside Kubernetes the first run is given the bootstrap Service's name, which exists only once kgr created it
        write(3, "expandable", "10Gi", "");
        String service = "c1-kafka-bootstrap." + ns + ".svc.cluster.invalid:9092";
        Kgr.Result plan = Kgr.run("plan", "--repo", repo.toString(), "--bootstrap-server", service, "--namespace", ns,
                "--kubeconfig", kubeconfig.toString(), "--source-name", ns);
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("+ create PodSet c1-brokers", "+ create pod c1-brokers-0")
                .contains("Kafka of cluster c1 does not answer yet (no Kafka client for " + service + ": ");
    }

    @Test
    void aRestartChangeRollsBrokersOneAtATimeThenControllersAndADynamicOneRollsNothing() throws Exception {
        write(3, "expandable", "10Gi", "");
        assertThat(apply().exitCode()).isZero();

        write(3, "expandable", "10Gi", "log.retention.ms: 3600000");
        Kgr.Result dynamic = apply();
        assertThat(dynamic.exitCode()).as(dynamic.out() + dynamic.err()).isZero();
        assertThat(dynamic.out()).contains("~ update ConfigMap c1-brokers-0").contains("~ alter dynamic broker config")
                .doesNotContain("roll pod");
        var defaults = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.BROKER, "");
        assertThat(admin.describeConfigs(List.of(defaults)).all().get().get(defaults).get("log.retention.ms").value())
                .isEqualTo("3600000");
        assertThat(kgr("plan", "-o", "json").changes()).isEmpty();

        // log.retention.hours is static (Kafka refuses it at run time): it rolls the pods; log.retention.ms, gone from
        // Git, goes from the brokers' dynamic defaults too
        write(3, "expandable", "10Gi", "log.retention.hours: 100");
        Kgr.Result plan = kgr("plan");
        assertThat(plan.out()).contains("~ alter dynamic broker config", "log.retention.ms  3600000 → (broker default)");
        List<String> order = plan.out().lines().filter(l -> l.contains("~ roll pod")).map(l -> l.replaceAll(".*roll pod (\\S+).*", "$1")).toList();
        assertThat(order).containsExactly("c1-brokers-0", "c1-brokers-1", "c1-brokers-2", "c1-controllers-3");

        List<String> deleted = Collections.synchronizedList(new ArrayList<>());
        try (Watch w = client.pods().inNamespace(ns).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (action == Action.DELETED) deleted.add(pod.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            Kgr.Result apply = apply();
            assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
            org.awaitility.Awaitility.await().until(() -> deleted.size() >= 4);
        }
        assertThat(deleted).containsExactly("c1-brokers-0", "c1-brokers-1", "c1-brokers-2", "c1-controllers-3");
        var entry = admin.describeConfigs(List.of(defaults)).all().get().get(defaults).get("log.retention.ms");
        assertThat(entry == null || entry.source() != org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
                .as("the removed dynamic key is reverted on the brokers").isTrue();
        assertThat(kgr("plan", "-o", "json").changes()).isEmpty();
    }

    @Test
    void volumesGrowWhereTheClassAllowsItAndNeverShrink() throws Exception {
        write(3, "expandable", "10Gi", "");
        assertThat(apply().exitCode()).isZero();
        write(3, "expandable", "20Gi", "");
        Kgr.Result grow = apply();
        assertThat(grow.out()).contains("~ expand volume data-0-c1-brokers-0");
        assertThat(grow.exitCode()).as(grow.out() + grow.err()).isZero();
        assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data-0-c1-brokers-2").get().getSpec()
                .getResources().getRequests().get("storage")).isEqualTo(new Quantity("20Gi"));

        write(3, "expandable", "5Gi", "");
        Kgr.Result shrink = apply();
        assertThat(shrink.exitCode()).isEqualTo(1);
        assertThat(shrink.out()).contains("size would shrink from 20Gi to 5Gi");
        assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data-0-c1-brokers-0").get().getSpec()
                .getResources().getRequests().get("storage")).isEqualTo(new Quantity("20Gi"));
    }

    @Test
    void scaleUpAddsTheNextIdAndScaleDownIsRefusedWhileTheBrokerHostsReplicas() throws Exception {
        write(3, "expandable", "10Gi", "");
        assertThat(apply().exitCode()).isZero();

        write(4, "expandable", "10Gi", "");
        Kgr.Result up = apply();
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        assertThat(up.out()).contains("+ create pod c1-brokers-4"); // 3 is the controller's id
        assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data-0-c1-brokers-4").get()).isNotNull();

        write(3, "expandable", "10Gi", "");
        Kgr.Result down = apply();
        assertThat(down.exitCode()).as(down.out() + down.err()).isZero();
        assertThat(down.out()).contains("- delete Pod c1-brokers-4").contains("- delete PersistentVolumeClaim data-0-c1-brokers-4");
        assertThat(client.pods().inNamespace(ns).withName("c1-brokers-4").get()).isNull();

        // broker 2 (a real broker of the in-process cluster) hosts a replica of an RF 3 topic the two brokers that
        // would stay cannot hold: removing it is refused, nothing changes (ScaleDownTest drains one that fits)
        String topic = "kube-held-" + ns;
        admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(2, 0, 1))))).all().get();
        write(2, "expandable", "10Gi", "");
        Kgr.Result refused = apply();
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.out()).contains("the 2 broker(s) that stay cannot hold the replication factor of", topic + "-0",
                "node 2 still hosts");
        assertThat(client.pods().inNamespace(ns).withName("c1-brokers-2").get()).isNotNull();
        admin.deleteTopics(List.of(topic)).all().get();
    }

    /**
     * A scale-down stopped right after the node's pod went (a kill, a lost lease): the next run continues that removal,
     * as the stopped run would have gone on (configuration, certificate, deleteClaim volume), with no --prune, and then
     * plans nothing.
     */
    @Test
    void aNodeRemovalStoppedAfterItsPodWentIsFinishedByTheNextRun() throws Exception {
        write(4, "expandable", "10Gi", "");
        assertThat(apply().exitCode()).isZero();
        write(3, "expandable", "10Gi", "");
        Path planFile = tmp.resolve("down.json");
        Kgr.Result planned = kgr("plan", "-o", "json", "--out", planFile.toString());
        assertThat(planned.exitCode()).as(planned.all()).isZero();
        List<String> removal = planned.steps().stream().filter(id -> id.startsWith("delete-kube-object:")).toList();
        // 0–3 are brokers, 4 the controller: broker 3 goes
        assertThat(removal).contains("delete-kube-object:Pod/c1-brokers-3", "delete-kube-object:ConfigMap/c1-brokers-3",
                "delete-kube-object:PersistentVolumeClaim/data-0-c1-brokers-3", "delete-kube-object:Secret/c1-brokers-3");

        Path killed = Kgr.cutPlan(planFile, List.of("delete-kube-object:Pod/c1-brokers-3"), tmp.resolve("killed.json"));
        Kgr.Result partial = kgr("apply", "--plan=" + killed, "-o", "json");
        assertThat(partial.applied()).as(partial.all()).containsExactly("delete-kube-object:Pod/c1-brokers-3");
        assertThat(client.configMaps().inNamespace(ns).withName("c1-brokers-3").get()).isNotNull();

        Kgr.Result next = kgr("plan", "-o", "json");
        assertThat(next.steps()).as(next.all()).filteredOn(id -> id.startsWith("delete-kube-object:"))
                .containsExactlyInAnyOrderElementsOf(removal.stream().filter(id -> !id.endsWith("Pod/c1-brokers-3")).toList());
        Kgr.Result finished = apply("-o", "json");
        assertThat(finished.exitCode()).as(finished.all()).isZero();
        assertThat(client.configMaps().inNamespace(ns).withName("c1-brokers-3").get()).isNull();
        assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data-0-c1-brokers-3").get()).isNull();
        assertThat(client.secrets().inNamespace(ns).withName("c1-brokers-3").get()).isNull();
        assertThat(kgr("plan", "-o", "json").changes()).isEmpty();
    }

    @Test
    void aPodThatDoesNotBecomeReadyStopsTheRoll() throws Exception {
        write(3, "expandable", "10Gi", "");
        assertThat(apply().exitCode()).isZero();
        String before1 = revision("c1-brokers-1");
        simulator.keepUnready("c1-brokers-0");
        write(3, "expandable", "10Gi", "num.replica.alter.log.dirs.threads: 3");
        Kgr.Result apply = apply("-o", "json");
        assertThat(apply.exitCode()).isEqualTo(1);
        assertThat(apply.outcomes()).containsEntry("roll-pod:c1-brokers-0", "failed")
                .containsEntry("roll-pod:c1-brokers-1", "skipped");
        assertThat(apply.message("roll-pod:c1-brokers-0")).contains("was not Ready after 10 s");
        assertThat(revision("c1-brokers-1")).isEqualTo(before1);

        // once the pod is back, the next run converges: the unready pod first, then the rest
        simulator.release("c1-brokers-0");
        Kgr.Result next = apply();
        assertThat(next.exitCode()).as(next.out() + next.err()).isZero();
        assertThat(revision("c1-brokers-1")).isNotEqualTo(before1);
        assertThat(kgr("plan", "-o", "json").changes()).isEmpty();
    }

    @Test
    void theSeedClusterOfSamplesRepoPlansAndApplies() throws Exception {
        repo = Path.of(System.getProperty("kgr.samples"));
        Kgr.Result apply = kgr("apply", "--auto-approve", "--pod-ready-timeout", "10", "--cluster", "seed", "--path", "clusters/seed");
        assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
        assertThat(client.pods().inNamespace(ns).list().getItems()).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("seed-kafka-0", "seed-kafka-1", "seed-kafka-2", "seed-zookeeper-0",
                        "seed-zookeeper-1", "seed-zookeeper-2");
        assertThat(client.services().inNamespace(ns).withName("seed-kafka-external-1").get().getSpec().getType()).isEqualTo("NodePort");
        assertThat(client.configMaps().inNamespace(ns).withName("seed-kafka-0").get().getData().get("server.properties"))
                .contains("broker.id=0").contains("zookeeper.connect=seed-zookeeper-client." + ns + ".svc:2181");
        assertThat(client.pods().inNamespace(ns).withName("seed-kafka-0").get().getSpec().getAffinity().getPodAntiAffinity())
                .isNotNull();
        Kgr.Result again = kgr("plan", "--cluster", "seed", "--path", "clusters/seed", "-o", "json");
        assertThat(again.changes()).isEmpty();
    }

    @Test
    void aRollThatWouldTakePartitionsBelowMinInsyncIsRefusedNamingThem() throws Exception {
        write(3, "expandable", "10Gi", "");
        assertThat(apply().exitCode()).isZero();
        String topic = "kube-isr-" + ns;
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3).configs(Map.of("min.insync.replicas", "3")))).all().get();
        try {
            write(3, "expandable", "10Gi", "num.replica.alter.log.dirs.threads: 4");
            String before = revision("c1-brokers-0");
            Kgr.Result apply = apply("-o", "json");
            assertThat(apply.exitCode()).isEqualTo(1);
            assertThat(apply.outcomes()).containsEntry("roll-pod:c1-brokers-0", "failed")
                    .containsEntry("roll-pod:c1-brokers-1", "skipped");
            assertThat(apply.message("roll-pod:c1-brokers-0"))
                    .contains("would take 1 partition(s) below min.insync.replicas: " + topic + "-0");
            assertThat(revision("c1-brokers-0")).isEqualTo(before);
        } finally {
            admin.deleteTopics(List.of(topic)).all().get();
        }
    }
}

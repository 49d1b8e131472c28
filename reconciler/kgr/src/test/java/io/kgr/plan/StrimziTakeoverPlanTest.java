package io.kgr.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.kgr.desired.DesiredState;
import io.kgr.desired.DesiredStateBuilder;
import io.kgr.observe.LiveKube;

/**
 * What keeps a takeover of a Strimzi-made cluster from being planned (the plan is refused, nothing else of the cluster's
 * objects is planned), and what does not: Strimzi's objects kgr does not use, and a Kafka paused in Git.
 */
class StrimziTakeoverPlanTest {
    private static final String KAFKA = """
            apiVersion: kafka.strimzi.io/v1
            kind: Kafka
            metadata:
              name: c1
              annotations: {kgr.io/take-over: strimzi%s}
            spec:
              kafka:
                listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                config: {num.io.threads: %s}
            """;

    private static DesiredState desired(String ioThreads, String extraAnnotation) {
        var r = DesiredStateBuilder.read(Map.of("k.yaml", KAFKA.formatted(extraAnnotation, ioThreads), "p.yaml", KubePlannerTest.POOLS));
        return r.state().orElseThrow();
    }

    /** The namespace as Strimzi left it: kgr's model of the same Git, labelled as Strimzi's, and Strimzi's Kafka resource. */
    private static LiveKube strimziMade(int ioThreads, long generation, long observed, boolean paused) {
        LiveKube made = KubePlannerTest.liveFrom(desired("8", "").kafka().orElseThrow());
        made.podSets().clear();
        made.configMaps().remove("c1-kgr-agent");
        made.disruptionBudgets().clear();
        List.of(made.pods(), made.services(), made.configMaps()).forEach(objects -> objects.values().forEach(o -> {
            o.getMetadata().getLabels().put("app.kubernetes.io/managed-by", "strimzi-cluster-operator");
            o.getMetadata().setAnnotations(null);
        }));
        Map<String, String> annotations = paused ? Map.of("strimzi.io/pause-reconciliation", "true") : Map.of();
        GenericKubernetesResource kafka = new GenericKubernetesResourceBuilder().withApiVersion("kafka.strimzi.io/v1")
                .withKind("Kafka").withNewMetadata().withName("c1").withGeneration(generation).withAnnotations(annotations)
                .endMetadata().build();
        kafka.setAdditionalProperty("spec", Map.of("kafka", Map.of("listeners", List.of(Map.of("name", "plain", "port", 9092,
                "type", "internal", "tls", false)), "config", Map.of("num.io.threads", ioThreads))));
        kafka.setAdditionalProperty("status", Map.of("observedGeneration", observed, "clusterId", "abc"));
        TreeMap<String, GenericKubernetesResource> strimzi = new TreeMap<>(Map.of("Kafka/c1", kafka));
        for (String pool : List.of("brokers", "controllers")) {
            var doc = DesiredStateBuilder.read(Map.of("k.yaml", KAFKA.formatted("", "8"), "p.yaml", KubePlannerTest.POOLS))
                    .state().orElseThrow().declared().stream().filter(d -> d.name().equals(pool)).findFirst().orElseThrow();
            GenericKubernetesResource p = new GenericKubernetesResourceBuilder().withApiVersion("kafka.strimzi.io/v1")
                    .withKind("KafkaNodePool").withNewMetadata().withName(pool).endMetadata().build();
            p.setAdditionalProperty("spec", new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                    .convertValue(doc.body().get("spec"), Map.class));
            strimzi.put("KafkaNodePool/" + pool, p);
        }
        return new LiveKube("ns", made.services(), made.configMaps(), made.claims(), made.pods(), made.podSets(),
                made.storageClasses(), made.secrets(), made.disruptionBudgets(), Optional.of(strimzi));
    }

    private static Plan plan(DesiredState desired, LiveKube live) {
        return new Planner().plan(desired, Optional.of(KubePlannerTest.kafka(3)), Fixtures.owning(), Policy.defaults(false),
                Fixtures.header(), Optional.of(live), "new-id");
    }

    private static List<String> kubeSteps(Plan plan) {
        return plan.steps().stream().filter(s -> s.phase() != Phase.MIRRORS && !(s.change() instanceof Change.UpdateInventory))
                .map(Step::id).toList();
    }

    @Test
    void gitThatDiffersFromWhatStrimziRunsIsRefusedWithTheField() {
        Plan plan = plan(desired("8", ""), strimziMade(4, 1, 1, true));
        assertThat(plan.refusals()).singleElement().satisfies(r -> assertThat(r.reason())
                .contains("Git's specs differ from what Strimzi runs").contains("spec.kafka.config.num.io.threads: 4 on the cluster, 8 in Git")
                .contains("kgr import"));
        assertThat(kubeSteps(plan)).isEmpty();
    }

    @Test
    void aSpecStrimziHasNotReconciledYetIsRefused() {
        Plan plan = plan(desired("8", ""), strimziMade(8, 3, 2, true));
        assertThat(plan.refusals()).singleElement().satisfies(r -> assertThat(r.reason())
                .contains("generation 3, observed 2"));
        assertThat(kubeSteps(plan)).isEmpty();
    }

    @Test
    void aPausedReconciledClusterGitAgreesWithIsTakenOverWithoutARoll() {
        Plan plan = plan(desired("8", ""), strimziMade(8, 1, 1, true));
        assertThat(plan.refusals()).isEmpty();
        assertThat(kubeSteps(plan)).contains("take-over-object:Pod/c1-brokers-0", "take-over-object:ConfigMap/c1-controllers-3",
                "take-over-object:Service/c1-kafka-bootstrap").noneMatch(id -> id.startsWith("roll-pod") || id.startsWith("create-pod"));
        // a step on an object waits for the object's takeover
        Step config = plan.steps().stream().filter(s -> s.id().equals("update-kube-object:ConfigMap/c1-brokers-0")).findFirst().orElseThrow();
        assertThat(config.dependsOn()).contains("take-over-object:ConfigMap/c1-brokers-0");
        assertThat(plan.notes()).anyMatch(n -> n.contains("6 pod(s) keep running as Strimzi made them"));
        // the fixture's Kafka shows no ReconciliationPaused condition: the plan says what that may mean
        assertThat(plan.notes()).anyMatch(n -> n.contains("shows no ReconciliationPaused condition"));
        LiveKube seen = strimziMade(8, 1, 1, true);
        seen.strimziResources().get().get("Kafka/c1").setAdditionalProperty("status", Map.of("observedGeneration", 1,
                "clusterId", "abc", "conditions", List.of(Map.of("type", "ReconciliationPaused", "status", "True"))));
        assertThat(plan(desired("8", ""), seen).notes()).noneMatch(n -> n.contains("ReconciliationPaused"));
    }

    @Test
    void strimzisObjectsKgrDoesNotUseAreLeftAloneAndRefuseNothing() {
        LiveKube live = KubePlannerTest.liveFrom(desired("8", "").kafka().orElseThrow());
        HasMetadata budget = new PodDisruptionBudgetBuilder().withNewMetadata().withName("c1-kafka")
                .withLabels(Map.of("app.kubernetes.io/managed-by", "strimzi-cluster-operator", "strimzi.io/cluster", "c1"))
                .endMetadata().build();
        live.disruptionBudgets().put("c1-kafka", (io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget) budget);
        Plan plan = plan(desired("8", ""), live);
        assertThat(plan.refusals()).isEmpty();
        assertThat(plan.notes()).anyMatch(n -> n.contains("are not used by kgr and are left as they are (PodDisruptionBudget/c1-kafka)"));
        assertThat(kubeSteps(plan)).noneMatch(id -> id.contains("c1-kafka") && !id.contains("bootstrap") && !id.contains("brokers"));
    }

    /**
     * A TLS user whose certificate Strimzi's User Operator issued keeps it: its Secret is taken over with the cluster
     * (kgr issues it only once it is due), and the cluster's CAs and node certificates are kept as well.
     */
    @Test
    void aTlsUsersCertificateFromStrimziIsKept() {
        String kafka = KAFKA.formatted("", "8").replace("listeners: [{name: plain, port: 9092, type: internal, tls: false}]",
                "listeners: [{name: plain, port: 9092, type: internal, tls: false}, {name: tls, port: 9093, type: internal, tls: true, authentication: {type: tls}}]");
        String user = """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata: {name: alice, labels: {strimzi.io/cluster: c1}}
                spec: {authentication: {type: tls}}
                """;
        DesiredState desired = DesiredStateBuilder.read(Map.of("k.yaml", kafka, "p.yaml", KubePlannerTest.POOLS, "u.yaml", user))
                .state().orElseThrow();
        LiveKube made = strimziMade(8, 1, 1, true);
        // Strimzi's Kafka resource says what Git says, listeners included
        var kafkaSpec = new io.fabric8.kubernetes.client.utils.KubernetesSerialization().convertValue(
                desired.declared().stream().filter(d -> d.kind().equals("Kafka")).findFirst().orElseThrow().body().get("spec"), Map.class);
        made.strimziResources().get().get("Kafka/c1").setAdditionalProperty("spec", kafkaSpec);
        java.time.Instant from = Fixtures.T0.minusSeconds(3600);
        var clusterKey = io.kgr.tls.Pki.newKey();
        var clusterCa = io.kgr.tls.Pki.selfSignedCa(clusterKey, "CN=cluster-ca v0,O=io.strimzi", from, 365);
        var clientsKey = io.kgr.tls.Pki.newKey();
        var clientsCa = io.kgr.tls.Pki.selfSignedCa(clientsKey, "CN=clients-ca v0,O=io.strimzi", from, 365);
        Map<String, String> strimzi = Map.of("app.kubernetes.io/managed-by", "strimzi-cluster-operator", "strimzi.io/cluster", "c1",
                "strimzi.io/kind", "Kafka");
        put(made, secret("c1-cluster-ca", strimzi, Map.of("ca.key", io.kgr.tls.Pki.pem(clusterKey.getPrivate()))));
        put(made, secret("c1-cluster-ca-cert", strimzi, Map.of("ca.crt", io.kgr.tls.Pki.pem(List.of(clusterCa)))));
        put(made, secret("c1-clients-ca", strimzi, Map.of("ca.key", io.kgr.tls.Pki.pem(clientsKey.getPrivate()))));
        put(made, secret("c1-clients-ca-cert", strimzi, Map.of("ca.crt", io.kgr.tls.Pki.pem(List.of(clientsCa)))));
        var aliceKey = io.kgr.tls.Pki.newKey();
        var alice = io.kgr.tls.Pki.sign(clientsKey.getPrivate(), clientsCa, aliceKey.getPublic(), "CN=alice", List.of(), from, 365);
        put(made, secret("alice", Map.of("app.kubernetes.io/managed-by", "strimzi-user-operator", "strimzi.io/cluster", "c1",
                "strimzi.io/kind", "KafkaUser"), Map.of("user.crt", io.kgr.tls.Pki.pem(List.of(alice)),
                "user.key", io.kgr.tls.Pki.pem(aliceKey.getPrivate()), "ca.crt", io.kgr.tls.Pki.pem(List.of(clientsCa)))));

        Plan plan = plan(desired, made);
        assertThat(plan.refusals()).isEmpty();
        assertThat(kubeSteps(plan)).contains("take-over-object:Secret/alice", "take-over-object:Secret/c1-clients-ca-cert")
                .noneMatch(id -> id.equals("issue-certificate:alice") || id.startsWith("issue-ca"));
        Step taken = plan.steps().stream().filter(s -> s.id().equals("take-over-object:Secret/alice")).findFirst().orElseThrow();
        assertThat(((Change.TakeOverObject) taken.change()).labels()).containsEntry("kgr.io/certificate", "user");
    }

    private static void put(LiveKube live, io.fabric8.kubernetes.api.model.Secret s) {
        live.secrets().put(s.getMetadata().getName(), s);
    }

    private static io.fabric8.kubernetes.api.model.Secret secret(String name, Map<String, String> labels, Map<String, String> data) {
        Map<String, String> encoded = new TreeMap<>();
        data.forEach((k, v) -> encoded.put(k, java.util.Base64.getEncoder().encodeToString(v.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        return new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName(name).withUid("uid-" + name)
                .withLabels(new TreeMap<>(labels)).endMetadata().withData(encoded).build();
    }

    /**
     * A takeover stopped part way (a kill after the pods were taken over, then one after every object but before
     * Strimzi's pod set went) is continued by the next plans: the rest is taken over, nothing rolls, the pod set goes.
     */
    @Test
    void aTakeoverStoppedPartWayIsContinued() {
        LiveKube made = strimziMade(8, 1, 1, true);
        strimziPodSet(made);
        DesiredState desired = desired("8", "");
        Plan first = plan(desired, made);
        takeOver(made, first, "Pod");

        Plan next = plan(desired, made);
        assertThat(next.refusals()).isEmpty();
        assertThat(kubeSteps(next)).contains("take-over-object:Service/c1-kafka-bootstrap", "delete-kube-object:StrimziPodSet/c1-brokers")
                .noneMatch(id -> id.startsWith("take-over-object:Pod/") || id.startsWith("roll-pod") || id.startsWith("create-pod"));
        takeOver(made, next, "");

        Plan last = plan(desired, made);
        assertThat(last.refusals()).isEmpty();
        assertThat(kubeSteps(last)).contains("delete-kube-object:StrimziPodSet/c1-brokers")
                .noneMatch(id -> id.startsWith("take-over-object") || id.startsWith("roll-pod") || id.startsWith("create-pod"));
    }

    @Test
    void aPodStrimzisPodSetListsButThatIsGoneIsRefused() {
        LiveKube made = strimziMade(8, 1, 1, true);
        GenericKubernetesResource set = strimziPodSet(made);
        set.setAdditionalProperty("spec", Map.of("pods", List.of(Map.of("metadata", Map.of("name", "c1-brokers-0")),
                Map.of("metadata", Map.of("name", "c1-brokers-1")), Map.of("metadata", Map.of("name", "c1-brokers-2")))));
        made.pods().remove("c1-brokers-1");
        Plan plan = plan(desired("8", ""), made);
        assertThat(plan.refusals()).singleElement().satisfies(r -> assertThat(r.reason())
                .contains("Strimzi's pod sets list pods that do not run: c1-brokers-1 (StrimziPodSet c1-brokers)"));
        assertThat(kubeSteps(plan)).isEmpty();
    }

    /** Strimzi's pod set of pool brokers, put into the namespace. */
    private static GenericKubernetesResource strimziPodSet(LiveKube live) {
        GenericKubernetesResource set = new GenericKubernetesResourceBuilder().withApiVersion("core.strimzi.io/v1")
                .withKind("StrimziPodSet").withNewMetadata().withName("c1-brokers")
                .withLabels(Map.of("strimzi.io/cluster", "c1", "app.kubernetes.io/managed-by", "strimzi-cluster-operator"))
                .endMetadata().build();
        live.strimziResources().get().put("StrimziPodSet/c1-brokers", set);
        return set;
    }

    /** What the plan's takeover steps of one kind (all: "") do to the objects, as apply would. */
    private static void takeOver(LiveKube live, Plan plan, String kind) {
        for (Step s : plan.steps()) {
            if (!(s.change() instanceof Change.TakeOverObject t) || !(kind.isEmpty() || t.objectKind().equals(kind))) continue;
            Map<String, ? extends HasMetadata> objects = switch (t.objectKind()) {
                case "Pod" -> live.pods();
                case "Service" -> live.services();
                case "ConfigMap" -> live.configMaps();
                case "PersistentVolumeClaim" -> live.claims();
                default -> live.secrets();
            };
            HasMetadata o = objects.get(t.name());
            Map<String, String> labels = new TreeMap<>(o.getMetadata().getLabels());
            labels.putAll(t.labels());
            o.getMetadata().setLabels(labels);
            Map<String, String> annotations = new TreeMap<>(o.getMetadata().getAnnotations() == null ? Map.of() : o.getMetadata().getAnnotations());
            annotations.putAll(t.annotations());
            o.getMetadata().setAnnotations(annotations);
            o.getMetadata().setOwnerReferences(null);
        }
    }

    @Test
    void aZooKeeperClusterIsNotTakenOver() {
        String zk = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata:
                  name: c1
                  annotations: {kgr.io/take-over: strimzi}
                spec:
                  kafka:
                    version: 3.6.0
                    replicas: 1
                    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                    storage: {type: ephemeral}
                  zookeeper: {replicas: 1, storage: {type: ephemeral}}
                """;
        DesiredState desired = DesiredStateBuilder.read(Map.of("k.yaml", zk)).state().orElseThrow();
        LiveKube made = KubePlannerTest.liveFrom(desired.kafka().orElseThrow());
        made.pods().values().forEach(p -> p.getMetadata().getLabels().put("app.kubernetes.io/managed-by", "strimzi-cluster-operator"));
        Plan plan = plan(desired, made);
        assertThat(plan.refusals()).singleElement().satisfies(r -> assertThat(r.reason()).contains("runs in ZooKeeper mode"));
        assertThat(kubeSteps(plan)).isEmpty();
    }

    @Test
    void aConsentOtherThanStrimziIsAnErrorAtItsLine() {
        var r = DesiredStateBuilder.read(Map.of("k.yaml", KAFKA.formatted("", "8").replace("strimzi}", "'yes'}"),
                "p.yaml", KubePlannerTest.POOLS));
        assertThat(r.ok()).isFalse();
        assertThat(r.diagnostics()).anySatisfy(d -> {
            assertThat(d.file() + ":" + d.line() + " " + d.field()).isEqualTo("k.yaml:5 metadata.annotations[\"kgr.io/take-over\"]");
            assertThat(d.message()).contains("'yes' is not a takeover kgr knows: the only value is 'strimzi'");
        });
    }

    @Test
    void aKafkaPausedInGitKeepsItsObjectsAsTheyAre() {
        Plan plan = plan(desired("8", ", strimzi.io/pause-reconciliation: \"true\""), strimziMade(4, 1, 1, true));
        assertThat(plan.refusals()).isEmpty();
        assertThat(kubeSteps(plan)).isEmpty();
        assertThat(plan.notes()).anyMatch(n -> n.contains("Kafka c1 is paused in Git (strimzi.io/pause-reconciliation: \"true\")")
                && n.contains("to take it over from Strimzi, remove the annotation from Git and keep it on the cluster's Kafka resource"));
    }
}

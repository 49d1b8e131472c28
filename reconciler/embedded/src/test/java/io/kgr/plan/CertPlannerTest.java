package io.kgr.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kgr.apply.Applier;
import io.kgr.apply.ApplyOptions;
import io.kgr.apply.KubeWaits;
import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.desired.DesiredState;
import io.kgr.desired.DesiredStateBuilder;
import io.kgr.observe.KubeObserver;
import io.kgr.observe.LiveKube;
import io.kgr.inventory.Inventories;
import io.kgr.inventory.Inventory;
import io.kgr.tls.CertSecrets;
import io.kgr.tls.Pki;

/**
 * A cluster's certificates over its lifetime, planned and then applied (Secrets in the in-memory API server, pods taken
 * as rolled): issued once and then left alone, renewed when due, a CA key replaced in Strimzi's three steps, and a CA
 * the user supplies used as it is.
 */
class CertPlannerTest {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private EmbeddedKubernetes kube;
    private final Map<String, Pod> pods = new TreeMap<>();

    @BeforeEach
    void start() throws Exception {
        kube = EmbeddedKubernetes.start("ns");
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    static DesiredState desired(String caSettings) {
        return build(desiredText(caSettings));
    }

    static DesiredState build(String text) {
        var r = DesiredStateBuilder.read(Map.of("c.yaml", text));
        assertThat(r.ok()).as(r.diagnostics().toString()).isTrue();
        return r.state().orElseThrow();
    }

    static String desiredText(String caSettings) {
        return """
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata: {name: c1}
                spec:
                  kafka:
                    version: 4.1.0
                    listeners:
                      - {name: tls, port: 9093, type: internal, tls: true, authentication: {type: tls}}
                      - name: external
                        port: 9094
                        type: nodeport
                        tls: true
                        configuration:
                          bootstrap: {alternativeNames: [kafka.example.com]}
                          brokers: [{broker: 0, advertisedHost: b0.example.com}]
                %s
                ---
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaNodePool
                metadata: {name: pool, labels: {strimzi.io/cluster: c1}}
                spec: {replicas: 2, roles: [broker, controller], storage: {type: ephemeral}}
                ---
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata: {name: alice, labels: {strimzi.io/cluster: c1}}
                spec: {authentication: {type: tls}}
                """.formatted(caSettings);
    }

    private Plan plan(DesiredState d, Instant now) throws Exception {
        LiveKube observed = new KubeObserver(kube.client(), "ns").observe();
        LiveKube live = new LiveKube("ns", observed.services(), observed.configMaps(), observed.claims(), new TreeMap<>(pods),
                observed.podSets(), observed.storageClasses(), observed.secrets());
        PlanHeader header = new PlanHeader("src", "loc", "", "abc", "c1", "", now, "f");
        return new Planner().plan(d, Optional.empty(), new Inventories(Inventory.empty("c1", "src"), List.of(), "v"),
                Policy.defaults(false), header, Optional.of(live), "cluster-id");
    }

    /** Applies the plan's certificate steps for real; its pods are taken as created or rolled (and Ready). */
    private void apply(Plan plan) {
        var report = apply(plan, kube.client());
        assertThat(report.succeeded()).as(report.toString()).isTrue();
    }

    /** The same through {@code client}; pods roll only where their certificate step succeeded. */
    private io.kgr.apply.ApplyReport apply(Plan plan, io.fabric8.kubernetes.client.KubernetesClient client) {
        List<Step> certs = plan.steps().stream().filter(s -> s.change() instanceof Change.IssueCa
                || s.change() instanceof Change.IssueCertificate).toList();
        var report = new Applier(null, null, null, ApplyOptions.defaults(), r -> { })
                .withKubernetes(new KubeObserver(client, "ns"), KubeWaits.defaults())
                .apply(new Plan(plan.header(), certs, List.of(), List.of(), List.of()));
        java.util.Set<String> ok = new java.util.HashSet<>();
        report.results().stream().filter(r -> r.outcome() == io.kgr.apply.StepResult.Outcome.OK)
                .forEach(r -> ok.add(r.stepId()));
        for (Step s : plan.steps()) {
            if (!s.dependsOn().stream().filter(d -> d.startsWith("issue-")).allMatch(ok::contains)) continue;
            String manifest = s.change() instanceof Change.CreatePod c ? c.manifest()
                    : s.change() instanceof Change.RollPod r ? r.manifest() : null;
            if (manifest == null) continue;
            Pod pod = JSON.unmarshal(manifest, Pod.class);
            pod.setStatus(new PodStatusBuilder().withPhase("Running").withConditions(new PodConditionBuilder().withType("Ready")
                    .withStatus("True").build()).build());
            pods.put(pod.getMetadata().getName(), pod);
        }
        return report;
    }

    /**
     * A client of the same API server whose {@code n}-th write to the cluster CA's two Secrets fails (it is sent to a
     * Secret that does not exist: the server answers 404), as a 409, an API error or a kill between two writes would.
     */
    private io.fabric8.kubernetes.client.KubernetesClient failingWrite(int n) {
        return failingWrite(n, path -> path.endsWith("/secrets/c1-cluster-ca") || path.endsWith("/secrets/c1-cluster-ca-cert"));
    }

    /** The same for the {@code n}-th write to a Secret whose path {@code which} accepts. */
    private io.fabric8.kubernetes.client.KubernetesClient failingWrite(int n, java.util.function.Predicate<String> which) {
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(kube.client().getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("fail-a-write", new io.fabric8.kubernetes.client.http.Interceptor() {
                    @Override
                    public void before(io.fabric8.kubernetes.client.http.BasicBuilder builder,
                                       io.fabric8.kubernetes.client.http.HttpRequest request,
                                       io.fabric8.kubernetes.client.http.Interceptor.RequestTags tags) {
                        String path = request.uri().getPath();
                        if (path.contains("/secrets/") && which.test(path) && !request.method().equals("GET")
                                && writes.incrementAndGet() == n) {
                            builder.uri(request.uri().resolve("/api/v1/namespaces/ns/secrets/fault-injected"));
                        }
                    }
                })).build();
    }

    private static List<String> ids(Plan p, Class<? extends Change> kind) {
        return p.steps().stream().filter(s -> kind.isInstance(s.change())).map(Step::id).toList();
    }

    /** The plan issues nothing and rolls nothing: the certificates are as Git and the CA settings want them. */
    private static void assertNothingToDo(Plan p) {
        assertThat(ids(p, Change.IssueCa.class)).isEmpty();
        assertThat(ids(p, Change.IssueCertificate.class)).isEmpty();
        assertThat(ids(p, Change.RollPod.class)).isEmpty();
    }

    /** Strimzi's way to ask for a new cluster CA key. */
    private void forceReplaceClusterCaKey() {
        kube.client().secrets().inNamespace("ns").withName("c1-cluster-ca")
                .edit(s -> { s.getMetadata().setAnnotations(new TreeMap<>(Map.of(CertSecrets.FORCE_REPLACE, "true"))); return s; });
    }

    private Secret secret(String name) {
        return kube.client().secrets().inNamespace("ns").withName(name).get();
    }

    private X509Certificate cert(String secret, String key) {
        return CertSecrets.certificate(secret(secret), key).orElseThrow();
    }

    @Test
    void certificatesAreIssuedOnceWithStrimzisNamesAndThenLeftAlone() throws Exception {
        DesiredState d = desired("");
        Plan first = plan(d, T0);
        assertThat(ids(first, Change.IssueCa.class)).containsExactly("issue-ca:c1-clients-ca", "issue-ca:c1-cluster-ca");
        assertThat(ids(first, Change.IssueCertificate.class)).containsExactly("issue-certificate:alice",
                "issue-certificate:c1-kgr-certs", "issue-certificate:c1-pool-0", "issue-certificate:c1-pool-1");
        // a node's certificate waits for its CA; its pod waits for its certificate
        Step node = first.steps().stream().filter(s -> s.id().equals("issue-certificate:c1-pool-0")).findFirst().orElseThrow();
        assertThat(node.dependsOn()).contains("issue-ca:c1-cluster-ca", "issue-ca:c1-clients-ca");
        assertThat(first.steps()).filteredOn(s -> s.id().equals("create-pod:c1-pool-0")).singleElement()
                .satisfies(s -> assertThat(s.dependsOn()).contains("issue-certificate:c1-pool-0"));
        // no key material in the plan, in any form
        String json = io.kgr.render.PlanJson.write(first);
        assertThat(json).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN CERTIFICATE");
        apply(first);

        X509Certificate ca = cert("c1-cluster-ca-cert", "ca.crt");
        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=cluster-ca v0,O=io.strimzi");
        assertThat(CertSecrets.keys(secret("c1-cluster-ca-cert"))).containsExactly("ca.crt", "ca.p12", "ca.password");
        assertThat(CertSecrets.keys(secret("c1-cluster-ca"))).containsExactly("ca.key");
        X509Certificate broker = cert("c1-pool-0", "c1-pool-0.crt");
        assertThat(Pki.signedBy(broker, ca)).isTrue();
        assertThat(Pki.describe(broker).names()).contains("c1-pool-0.c1-kafka-brokers.ns.svc", "c1-kafka-bootstrap.ns.svc",
                "c1-kafka-external-bootstrap.ns.svc", "c1-pool-external-0.ns.svc.cluster.local", "kafka.example.com",
                "b0.example.com");
        assertThat(Pki.describe(cert("c1-pool-1", "c1-pool-1.crt")).names()).contains("kafka.example.com")
                .doesNotContain("b0.example.com");
        assertThat(CertSecrets.keys(secret("alice"))).containsExactly("ca.crt", "user.crt", "user.key", "user.p12", "user.password");
        assertThat(Pki.signedBy(cert("alice", "user.crt"), cert("c1-clients-ca-cert", "ca.crt"))).isTrue();
        assertThat(cert("alice", "user.crt").getSubjectX500Principal().getName()).isEqualTo("CN=alice");

        // the next plan, and one a month later, issue nothing and roll nothing
        for (Instant later : List.of(T0, T0.plus(Duration.ofDays(30)))) {
            Plan again = plan(d, later);
            assertNothingToDo(again);
        }
    }

    @Test
    void aCaDueForRenewalGetsANewCertificateForItsKeyAndTheNodesRollToTrustIt() throws Exception {
        DesiredState d = desired("  clusterCa: {validityDays: 100, renewalDays: 10}\n  clientsCa: {validityDays: 400}");
        apply(plan(d, T0));
        X509Certificate before = cert("c1-cluster-ca-cert", "ca.crt");
        X509Certificate node = cert("c1-pool-0", "c1-pool-0.crt");
        Plan renewal = plan(d, Instant.now().plus(Duration.ofDays(91)));
        assertThat(renewal.steps()).filteredOn(s -> s.change() instanceof Change.IssueCa).singleElement()
                .satisfies(s -> assertThat(((Change.IssueCa) s.change()).mode()).isEqualTo("renew-certificate"));
        assertThat(ids(renewal, Change.RollPod.class)).containsExactly("roll-pod:c1-pool-0", "roll-pod:c1-pool-1");
        apply(renewal);
        X509Certificate after = cert("c1-cluster-ca-cert", "ca.crt");
        assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        assertThat(after.getPublicKey()).isEqualTo(before.getPublicKey());
        // what the old certificate signed is still valid under the new one: clients keep their connections
        assertThat(Pki.signedBy(node, after)).isTrue();
        assertThat(secret("c1-cluster-ca-cert").getMetadata().getAnnotations()).containsEntry(CertSecrets.CA_CERT_GENERATION, "1");
        assertThat(pods.get("c1-pool-0").getMetadata().getAnnotations()).containsEntry("strimzi.io/cluster-ca-cert-generation", "1");
    }

    /**
     * A renewal writes the CA's Secrets, then each node's Secret (its trusted CA certificates), then rolls
     * the nodes. Stopped after any of those writes, no node serves a certificate its peers or the clients cannot
     * verify, and the next run finishes the same renewal (never a second one) and converges.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "stopped at Secret write {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3, 4})
    void aRenewalStoppedAfterAnyOfItsWritesIsFinishedByTheNextRun(int failing) throws Exception {
        DesiredState d = desired("");
        apply(plan(d, T0));
        X509Certificate before = cert("c1-cluster-ca-cert", "ca.crt");
        // Strimzi's way to ask for a renewal now (a renewal by date needs a clock the issued certificates share)
        kube.client().secrets().inNamespace("ns").withName("c1-cluster-ca-cert")
                .edit(s -> { s.getMetadata().getAnnotations().put(CertSecrets.FORCE_RENEW, "true"); return s; });
        Plan renewal = plan(d, T0);
        assertThat(renewal.steps()).filteredOn(s -> s.change() instanceof Change.IssueCa).singleElement()
                .satisfies(s -> assertThat(((Change.IssueCa) s.change()).mode()).isEqualTo("renew-certificate"));
        try (var client = failingWrite(failing, path -> true)) {
            assertThat(apply(renewal, client).succeeded()).as("the renewal stops at Secret write " + failing).isFalse();
        }
        List<X509Certificate> clientsTrust = CertSecrets.caCertificates(secret("c1-cluster-ca-cert"));
        for (String node : List.of("c1-pool-0", "c1-pool-1")) {
            X509Certificate served = cert(node, node + ".crt");
            assertThat(clientsTrust).as("clients verify " + node).anyMatch(ca -> Pki.signedBy(served, ca));
            List<X509Certificate> peersTrust = CertSecrets.text(secret(node), CertSecrets.CLUSTER_TRUST)
                    .map(Pki::certificates).orElseThrow();
            for (String peer : List.of("c1-pool-0", "c1-pool-1")) {
                X509Certificate peerServes = cert(peer, peer + ".crt");
                assertThat(peersTrust).as(node + " verifies " + peer).anyMatch(ca -> Pki.signedBy(peerServes, ca));
            }
        }
        // the next run goes on with the same renewal: the CA certificate once (writes 1 and 2: the key Secret, which keeps
        // its key, then the certificate Secret), then what is left of the nodes' Secrets (writes 3 and 4) and their rolls
        Plan again = plan(d, T0);
        boolean caWritten = failing > 2;
        assertThat(ids(again, Change.IssueCa.class)).as("CA certificate written: " + caWritten).hasSize(caWritten ? 0 : 1);
        apply(again);
        X509Certificate after = cert("c1-cluster-ca-cert", "ca.crt");
        assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        assertThat(after.getPublicKey()).isEqualTo(before.getPublicKey());
        assertThat(secret("c1-cluster-ca-cert").getMetadata().getAnnotations()).containsEntry(CertSecrets.CA_CERT_GENERATION, "1")
                .doesNotContainKey(CertSecrets.FORCE_RENEW);
        for (String node : List.of("c1-pool-0", "c1-pool-1")) {
            assertThat(pods.get(node).getMetadata().getAnnotations()).containsEntry("strimzi.io/cluster-ca-cert-generation", "1");
        }
        assertNothingToDo(plan(d, T0));
    }

    @Test
    void aReplacedCaKeyTakesThreeRollsInStrimzisOrder() throws Exception {
        DesiredState d = desired("");
        apply(plan(d, T0));
        X509Certificate oldCa = cert("c1-cluster-ca-cert", "ca.crt");
        forceReplaceClusterCaKey();

        // 1: a new key; the nodes trust both CA certificates and keep theirs
        Plan one = plan(d, T0);
        assertThat(one.steps()).filteredOn(s -> s.change() instanceof Change.IssueCa).singleElement()
                .satisfies(s -> assertThat(((Change.IssueCa) s.change()).mode()).isEqualTo("replace-key"));
        assertThat(one.steps()).filteredOn(s -> s.change() instanceof Change.IssueCertificate c && c.newKey()).isEmpty();
        assertThat(ids(one, Change.RollPod.class)).hasSize(2);
        apply(one);
        assertThat(CertSecrets.caCertificates(secret("c1-cluster-ca-cert"))).hasSize(2);
        assertThat(CertSecrets.text(secret("c1-pool-0"), CertSecrets.CLUSTER_TRUST).map(Pki::certificates).orElseThrow()).hasSize(2);
        assertThat(Pki.signedBy(cert("c1-pool-0", "c1-pool-0.crt"), oldCa)).isTrue();

        // 2: every certificate from the cluster CA is re-issued from the new key
        Plan two = plan(d, T0);
        assertThat(ids(two, Change.IssueCa.class)).isEmpty();
        assertThat(two.steps()).filteredOn(s -> s.change() instanceof Change.IssueCertificate c && c.newKey())
                .extracting(Step::id).containsExactly("issue-certificate:c1-kgr-certs", "issue-certificate:c1-pool-0",
                        "issue-certificate:c1-pool-1");
        assertThat(ids(two, Change.RollPod.class)).hasSize(2);
        apply(two);
        X509Certificate newCa = cert("c1-cluster-ca-cert", "ca.crt");
        assertThat(Pki.signedBy(cert("c1-pool-0", "c1-pool-0.crt"), newCa)).isTrue();

        // 3: the old CA certificate goes, and the nodes roll once more to stop trusting it
        Plan three = plan(d, T0);
        assertThat(three.steps()).filteredOn(s -> s.change() instanceof Change.IssueCa).singleElement()
                .satisfies(s -> assertThat(((Change.IssueCa) s.change()).mode()).isEqualTo("drop-old-certificates"));
        assertThat(ids(three, Change.RollPod.class)).hasSize(2);
        apply(three);
        assertThat(CertSecrets.caCertificates(secret("c1-cluster-ca-cert"))).hasSize(1);
        assertThat(CertSecrets.text(secret("c1-pool-0"), CertSecrets.CLUSTER_TRUST).map(Pki::certificates).orElseThrow()).hasSize(1);

        assertNothingToDo(plan(d, T0));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "stopped at write {0} of 3")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3})
    void aKeyReplacementStoppedBetweenItsWritesIsFinishedWithTheSameKey(int failing) throws Exception {
        DesiredState d = desired("");
        apply(plan(d, T0));
        X509Certificate oldCa = cert("c1-cluster-ca-cert", "ca.crt");
        forceReplaceClusterCaKey();

        Plan one = plan(d, T0);
        try (var client = failingWrite(failing)) {
            assertThat(apply(one, client).succeeded()).as("the replacement stops at write " + failing).isFalse();
        }
        // nothing lost: the CA's key still signs what its certificate Secret says, and every node's certificate is
        // trusted by what the CA's certificate Secret (and so every client) trusts
        List<X509Certificate> trusted = CertSecrets.caCertificates(secret("c1-cluster-ca-cert"));
        assertThat(trusted).contains(oldCa);
        for (String node : List.of("c1-pool-0", "c1-pool-1")) {
            X509Certificate served = cert(node, node + ".crt");
            assertThat(trusted).anyMatch(ca -> Pki.signedBy(served, ca));
        }
        assertThat(trusted).anyMatch(ca -> CertSecrets.text(secret("c1-cluster-ca"), "ca.key").map(Pki::privateKey)
                .map(Pki::publicKey).orElseThrow().equals(ca.getPublicKey()));

        // the next plan continues the same replacement (never a brand-new CA), then the three steps run to the end
        Plan again = plan(d, T0);
        assertThat(again.steps()).filteredOn(s -> s.change() instanceof Change.IssueCa).singleElement()
                .satisfies(s -> assertThat(((Change.IssueCa) s.change()).mode()).isEqualTo("replace-key"));
        assertThat(again.steps()).filteredOn(s -> s.change() instanceof Change.IssueCertificate c && c.newKey()).isEmpty();
        apply(again);
        X509Certificate newCa = cert("c1-cluster-ca-cert", "ca.crt");
        assertThat(newCa.getPublicKey()).isNotEqualTo(oldCa.getPublicKey());
        assertThat(CertSecrets.caCertificates(secret("c1-cluster-ca-cert"))).hasSize(2).contains(oldCa);
        assertThat(CertSecrets.keys(secret("c1-cluster-ca"))).containsExactly("ca.key");
        apply(plan(d, T0)); // 2 of 3
        assertThat(Pki.signedBy(cert("c1-pool-0", "c1-pool-0.crt"), newCa)).isTrue();
        apply(plan(d, T0)); // 3 of 3
        assertThat(CertSecrets.caCertificates(secret("c1-cluster-ca-cert"))).containsExactly(newCa);
        assertNothingToDo(plan(d, T0));
    }

    @Test
    void certificatesFromANewKeyWaitUntilEveryNodeTrustsTheNewCa() throws Exception {
        DesiredState d = desired("");
        apply(plan(d, T0));
        forceReplaceClusterCaKey();
        apply(plan(d, T0)); // 1 of 3
        // one node's roll did not happen (it failed, or kgr stopped): it still trusts only the old CA
        Pod lagging = pods.get("c1-pool-1");
        lagging.getMetadata().getAnnotations().put("strimzi.io/cluster-ca-cert-generation", "0");
        Plan two = plan(d, T0);
        assertThat(two.steps()).filteredOn(s -> s.change() instanceof Change.IssueCertificate c && c.newKey()).isEmpty();
        assertThat(two.notes()).anyMatch(n -> n.contains("not every node has rolled to trust the new CA yet"));
    }

    @Test
    void aTlsUsersCertificateSecretIsDeletedOnlyWhenTheUserIsPruned() throws Exception {
        apply(plan(desired(""), T0));
        assertThat(secret("alice")).isNotNull();
        // Git no longer declares alice; the source's inventory owns her and a topic it keeps
        String text = desiredText("").replace(desiredText("").substring(desiredText("").lastIndexOf("---")), "")
                + "---\napiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata: {name: t1, labels: {strimzi.io/cluster: c1}}\n"
                + "spec: {partitions: 1, replicas: 1}\n";
        DesiredState without = build(text);
        var live = new io.kgr.observe.LiveState("cluster-id", new java.util.TreeSet<>(List.of(0, 1)), new TreeMap<>(Map.of("t1",
                new io.kgr.observe.LiveTopic("t1", List.of(new io.kgr.observe.LivePartition(0, 0, List.of(0), List.of(0))),
                        new TreeMap<>()))));
        var owned = new Inventory("c1", "src", "abc", T0, new TreeMap<>(Map.of("t1", "c.yaml")), new TreeMap<>(Map.of("alice",
                new io.kgr.inventory.ManagedUser("User:CN=alice", "tls", "", List.of(), new java.util.TreeSet<>()))));
        for (boolean prune : List.of(false, true)) {
            LiveKube observed = new KubeObserver(kube.client(), "ns").observe();
            LiveKube kubeNow = new LiveKube("ns", observed.services(), observed.configMaps(), observed.claims(), new TreeMap<>(pods),
                    observed.podSets(), observed.storageClasses(), observed.secrets());
            Plan p = new Planner().plan(without, Optional.of(live), new Inventories(owned, List.of(), "v"), Policy.defaults(prune),
                    new PlanHeader("src", "loc", "", "abc", "c1", "", T0, "f"), Optional.of(kubeNow), "cluster-id");
            var deletions = p.steps().stream().filter(s -> s.id().equals("delete-kube-object:Secret/alice")).toList();
            if (!prune) {
                assertThat(deletions).isEmpty();
                assertThat(p.notes()).anyMatch(n -> n.contains("user alice is no longer in Git; kept"));
                continue;
            }
            assertThat(deletions).singleElement().satisfies(s -> {
                assertThat(s.phase()).isEqualTo(Phase.PRUNE);
                assertThat(s.fields()).allSatisfy(f -> assertThat(f.sensitive()).isTrue());
            });
            // a node's certificate Secret is never among what a user prune deletes
            assertThat(p.steps()).noneMatch(s -> s.id().startsWith("delete-kube-object:Secret/c1-"));
        }
    }

    @Test
    void aCaTheUserSuppliesIsUsedAsItIsAndItsAbsenceIsARefusal() throws Exception {
        DesiredState d = desired("  clusterCa: {generateCertificateAuthority: false}");
        Plan missing = plan(d, T0);
        assertThat(missing.refusals()).anySatisfy(r -> assertThat(r.reason())
                .contains("spec.clusterCa.generateCertificateAuthority is false").contains("c1-cluster-ca-cert"));
        assertThat(ids(missing, Change.IssueCertificate.class)).isEmpty();

        var key = Pki.newKey();
        X509Certificate own = Pki.selfSignedCa(key, "CN=our corporate CA", T0.minus(Duration.ofDays(1)), 20);
        kube.client().secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata().withName("c1-cluster-ca")
                .endMetadata().addToStringData("ca.key", Pki.pem(key.getPrivate())).build()).create();
        kube.client().secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata().withName("c1-cluster-ca-cert")
                .endMetadata().addToStringData("ca.crt", Pki.pem(List.of(own))).build()).create();
        Plan supplied = plan(d, T0.plus(Duration.ofDays(15)));
        assertThat(supplied.refusals()).isEmpty();
        assertThat(ids(supplied, Change.IssueCa.class)).containsExactly("issue-ca:c1-clients-ca"); // only the one kgr generates
        assertThat(supplied.notes()).anyMatch(n -> n.contains("the cluster CA you supply (Secret c1-cluster-ca-cert) expires"));
        apply(supplied);
        assertThat(Pki.signedBy(cert("c1-pool-0", "c1-pool-0.crt"), own)).isTrue();
        assertThat(CertSecrets.managedByKgr(secret("c1-cluster-ca"))).isFalse(); // kgr never wrote the user's CA
    }
}

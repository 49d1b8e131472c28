package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.fabric8.kubernetes.api.model.Secret;
import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.embedded.LocalKubelet;

/**
 * TLS as Strimzi runs it, on real brokers (the local kubelet's): a cluster whose only listeners are mTLS and
 * SCRAM-over-TLS, with an authorizer — kgr manages it through its own certificate on the replication listener. Clients
 * use what kgr put into Strimzi's Secrets: {@code ca.crt} of {@code <c>-cluster-ca-cert} to trust the brokers, a TLS
 * user's {@code user.p12} to authenticate (Kafka's own console producer and consumer), a SCRAM user's generated
 * password. Then the cluster CA is renewed under an acks=all producer, and a user certificate is renewed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsTest {
    private static final String CLUSTER = "secure";
    private static final String TLS = LocalKubelet.address(CLUSTER, 0) + ":9093," + LocalKubelet.address(CLUSTER, 1) + ":9093";
    private static final String SCRAM = LocalKubelet.address(CLUSTER, 0) + ":9094," + LocalKubelet.address(CLUSTER, 1) + ":9094";

    private static Path tmp;
    private static Path repo;
    private static Path kubeconfig;
    private static EmbeddedKubernetes kube;
    private static LocalKubelet kubelet;
    private static final List<String> outputs = new ArrayList<>();

    @BeforeAll
    static void cluster() throws Exception {
        tmp = Files.createTempDirectory("kgr-tls-test");
        repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("cluster.yaml"), """
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata: {name: secure}
                spec:
                  kafka:
                    version: 4.1.0
                    listeners:
                      - {name: tls, port: 9093, type: internal, tls: true, authentication: {type: tls}}
                      - {name: scram, port: 9094, type: internal, tls: true, authentication: {type: scram-sha-512}}
                    authorization: {type: simple}
                    config: {offsets.topic.replication.factor: 2, transaction.state.log.replication.factor: 2,
                             transaction.state.log.min.isr: 1, min.insync.replicas: 1, group.initial.rebalance.delay.ms: 0}
                  clusterCa: {validityDays: 30, renewalDays: 5}
                ---
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaNodePool
                metadata: {name: brokers, labels: {strimzi.io/cluster: secure}}
                spec: {replicas: 2, roles: [broker], storage: {type: persistent-claim, size: 1Gi, deleteClaim: true}}
                ---
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaNodePool
                metadata: {name: controllers, labels: {strimzi.io/cluster: secure}}
                spec: {replicas: 1, roles: [controller], storage: {type: persistent-claim, size: 1Gi}}
                """);
        Files.writeString(repo.resolve("topics.yaml"), Manifests.topic(RollingCluster.TOPIC, CLUSTER, RollingCluster.PARTITIONS, 2,
                Map.of()) + "---\n" + Manifests.topic("payroll", CLUSTER, 1, 2, Map.of()));
        Files.writeString(repo.resolve("users.yaml"), """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata: {name: alice, labels: {strimzi.io/cluster: secure}}
                spec:
                  authentication: {type: tls}
                  authorization:
                    type: simple
                    acls:
                      - {resource: {type: topic, name: reliable}, operations: [Read, Write, Describe, IdempotentWrite]}
                      - {resource: {type: group, name: readers}, operations: [Read]}
                ---
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata: {name: bob, labels: {strimzi.io/cluster: secure}}
                spec:
                  authentication: {type: scram-sha-512}
                  authorization:
                    type: simple
                    acls:
                      - {resource: {type: topic, name: reliable}, operations: [Write, Describe]}
                """);
        kube = EmbeddedKubernetes.start("kafka");
        kubeconfig = kube.writeKubeconfig(tmp.resolve("kubeconfig"));
        kubelet = new LocalKubelet(kube.client(), "kafka", tmp.resolve("data"), System.getProperty("java.class.path")).start();
        Kgr.Result pods = apply();
        assertThat(pods.out()).contains("+ create cluster CA of cluster secure").contains("+ issue certificate Secret alice")
                .contains("+ issue certificate Secret secure-kgr-certs");
        Kgr.Result kafka = apply("-o", "json"); // the brokers answer now: topics and users
        assertThat(kafka.applied()).contains("create-topic:reliable", "create-acls:alice");
    }

    @AfterAll
    static void stop() {
        if (kubelet != null) kubelet.close();
        if (kube != null) kube.close();
        // nothing kgr printed holds key material or a password
        for (String out : outputs) {
            assertThat(out).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN CERTIFICATE").doesNotContain("MII");
        }
    }

    private static Kgr.Result apply(String... extra) {
        Kgr.Result r = Kgr.onKubernetes(repo, kubeconfig, null, "apply",
                Kgr.args("--auto-approve", new String[] {"--pod-ready-timeout", "120"}, extra));
        outputs.add(r.all());
        assertThat(r.exitCode()).as(r.all()).isZero();
        return r;
    }

    private static Kgr.Result plan(String... extra) {
        Kgr.Result r = Kgr.onKubernetes(repo, kubeconfig, null, "plan", extra);
        outputs.add(r.all());
        return r;
    }

    @Test
    @Order(1)
    void clientsUseTheCertificatesKgrIssuedAndTheListenersEnforceThem() throws Exception {
        // the broker's certificate verifies against ca.crt of the cluster CA Secret, and names the broker's pod
        X509Certificate ca = certificate(data("secure-cluster-ca-cert", "ca.crt"));
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(keyManagers(), trustManagers(ca), null);
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket(LocalKubelet.address(CLUSTER, 0), 9093)) {
            socket.startHandshake();
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            served.verify(ca.getPublicKey());
            assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=secure-kafka,O=io.strimzi");
            assertThat(served.getSubjectAlternativeNames()).extracting(n -> String.valueOf(n.get(1)))
                    .contains("secure-brokers-0.secure-kafka-brokers.kafka.svc", "secure-kafka-bootstrap.kafka.svc");
        }

        // Kafka's own console producer and consumer, authenticated by alice's user.p12, over the mTLS listener
        Path alice = aliceProperties();
        Process produce = tool(List.of("org.apache.kafka.tools.ConsoleProducer", "--bootstrap-server", TLS, "--topic",
                RollingCluster.TOPIC, "--producer.config", alice.toString()));
        produce.getOutputStream().write("hello over mTLS\nsecond line\n".getBytes(StandardCharsets.UTF_8));
        produce.getOutputStream().close();
        assertThat(produce.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(produce.exitValue()).as(new String(produce.getInputStream().readAllBytes())).isZero();
        Process consume = tool(List.of("org.apache.kafka.tools.consumer.ConsoleConsumer", "--bootstrap-server", TLS, "--topic",
                RollingCluster.TOPIC, "--group", "readers", "--from-beginning", "--max-messages", "2", "--timeout-ms", "30000",
                "--consumer.config", alice.toString()));
        assertThat(consume.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String read = new String(consume.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(read).contains("hello over mTLS").contains("second line");

        // alice's ACLs are enforced: a topic she was given nothing on is refused
        try (KafkaProducer<String, String> p = producer(load(alice))) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>("payroll", "x")).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }

        // a client without a certificate is refused on the mTLS listener
        Properties anonymous = load(alice);
        anonymous.remove("ssl.keystore.location");
        anonymous.remove("ssl.keystore.password");
        anonymous.remove("ssl.keystore.type");
        anonymous.put("default.api.timeout.ms", "15000");
        anonymous.put("request.timeout.ms", "10000");
        try (Admin admin = Admin.create(anonymous)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SslAuthenticationException.class);
        }

        // bob's generated SCRAM password, over the SCRAM-over-TLS listener
        Properties bob = new Properties();
        bob.putAll(Map.of("bootstrap.servers", SCRAM, "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", data("bob", "sasl.jaas.config"), "ssl.truststore.type", "PEM",
                "ssl.truststore.location", write("ca.crt", data("secure-cluster-ca-cert", "ca.crt")).toString(),
                "ssl.endpoint.identification.algorithm", ""));
        try (KafkaProducer<String, String> p = producer(bob)) {
            p.send(new ProducerRecord<>(RollingCluster.TOPIC, "from bob")).get(30, TimeUnit.SECONDS);
        }

        // kgr's principal (its certificate from the cluster CA) is a super user: it kept the DENY on its inventory
        var asKgr = io.kgr.observe.KafkaBootstrap.resolve(kube.client(), "kafka", java.util.Optional.of(CLUSTER), false);
        Map<String, Object> kgrProps = new java.util.HashMap<>(asKgr.security());
        kgrProps.put("bootstrap.servers", asKgr.servers().orElseThrow());
        try (Admin admin = Admin.create(kgrProps)) {
            var filter = new org.apache.kafka.common.acl.AclBindingFilter(new org.apache.kafka.common.resource.ResourcePatternFilter(
                    org.apache.kafka.common.resource.ResourceType.TOPIC, "__kgr_inventory",
                    org.apache.kafka.common.resource.PatternType.LITERAL), org.apache.kafka.common.acl.AccessControlEntryFilter.ANY);
            assertThat(admin.describeAcls(filter).values().get(30, TimeUnit.SECONDS)).extracting(b -> b.entry().principal())
                    .contains("User:*");
        }
        assertThat(plan("-o", "json").changes()).isEmpty();
    }

    @Test
    @Order(2)
    void theClusterCaIsRenewedUnderTrafficAndNoAcknowledgedMessageIsLost() throws Exception {
        Properties alice = load(aliceProperties()); // the truststore holds the certificate before the renewal
        String before = fingerprint(certificate(data("secure-cluster-ca-cert", "ca.crt")));
        kube.client().secrets().inNamespace("kafka").withName("secure-cluster-ca-cert")
                .edit(s -> { s.getMetadata().getAnnotations().put("strimzi.io/force-renew", "true"); return s; });
        Kgr.Result planned = plan();
        assertThat(planned.out()).contains("~ renew the certificate of cluster CA secure-cluster-ca (same key)")
                .contains("update the trusted CA certificates of Secret secure-brokers-0")
                .contains("roll pod secure-brokers-0").contains("roll pod secure-brokers-1").contains("roll pod secure-controllers-2")
                .doesNotContain("renew certificate Secret secure-brokers-0");
        RollingCluster.Traffic traffic = RollingCluster.Traffic.start(alice, "renewal");
        Thread.sleep(2000);
        Kgr.Result renewed = apply("-o", "json");
        Thread.sleep(2000);
        RollingCluster.Sent sent = traffic.stop();
        assertThat(renewed.applied()).containsSubsequence("issue-ca:secure-cluster-ca", "roll-pod:secure-brokers-0",
                "roll-pod:secure-controllers-2");
        assertThat(fingerprint(certificate(data("secure-cluster-ca-cert", "ca.crt")))).isNotEqualTo(before);
        assertThat(kube.client().secrets().inNamespace("kafka").withName("secure-cluster-ca-cert").get().getMetadata()
                .getAnnotations()).containsEntry("strimzi.io/ca-cert-generation", "1").doesNotContainKey("strimzi.io/force-renew");
        System.out.printf("cluster CA renewal under traffic: %d acknowledged, %d errors, longest stall %d ms%n",
                sent.acked().values().stream().mapToInt(List::size).sum(), sent.errors(), sent.longestStallMs());
        assertThat(sent.errors()).isZero();
        assertThat(sent.acked().values().stream().mapToInt(List::size).sum()).isGreaterThan(100);
        RollingCluster.Check check = RollingCluster.check(sent, RollingCluster.readBack(alice, "renewal"));
        assertThat(check.missing()).isZero();
        assertThat(check.duplicates()).isZero();
        assertThat(plan("-o", "json").changes()).isEmpty();
    }

    @Test
    @Order(3)
    void aUserCertificateIsRenewedWithoutARoll() throws Exception {
        String before = fingerprint(certificate(data("alice", "user.crt")));
        kube.client().secrets().inNamespace("kafka").withName("alice")
                .edit(s -> { s.getMetadata().getAnnotations().put("strimzi.io/force-renew", "true"); return s; });
        Kgr.Result renewed = apply();
        assertThat(renewed.out()).contains("~ renew certificate Secret alice (CN=alice)").doesNotContain("roll pod");
        assertThat(fingerprint(certificate(data("alice", "user.crt")))).isNotEqualTo(before);
        try (KafkaProducer<String, String> p = producer(load(aliceProperties()))) {
            p.send(new ProducerRecord<>(RollingCluster.TOPIC, "with the renewed certificate")).get(30, TimeUnit.SECONDS);
        }
        assertThat(plan("-o", "json").changes()).isEmpty();
    }

    private static Path aliceProperties() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("alice"));
        Files.write(dir.resolve("user.p12"), bytes("alice", "user.p12"));
        Files.writeString(dir.resolve("ca.crt"), data("secure-cluster-ca-cert", "ca.crt"));
        Path props = dir.resolve("client.properties");
        // the demo's brokers are reached by address: the chain is checked, the host name (a pod DNS name) is not
        Files.writeString(props, String.join("\n", "bootstrap.servers=" + TLS, "security.protocol=SSL",
                "ssl.truststore.type=PEM", "ssl.truststore.location=" + dir.resolve("ca.crt"),
                "ssl.keystore.type=PKCS12", "ssl.keystore.location=" + dir.resolve("user.p12"),
                "ssl.keystore.password=" + data("alice", "user.password"), "ssl.endpoint.identification.algorithm=", ""));
        return props;
    }

    private static Properties load(Path file) throws Exception {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    private static KafkaProducer<String, String> producer(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("max.block.ms", "30000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static Process tool(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static byte[] bytes(String secret, String key) {
        Secret s = kube.client().secrets().inNamespace("kafka").withName(secret).get();
        return Base64.getDecoder().decode(s.getData().get(key));
    }

    private static String data(String secret, String key) {
        return new String(bytes(secret, key), StandardCharsets.UTF_8);
    }

    private static Path write(String name, String content) throws Exception {
        return Files.writeString(tmp.resolve(name), content);
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String fingerprint(X509Certificate c) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    }

    private static javax.net.ssl.TrustManager[] trustManagers(X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ks);
        return f.getTrustManagers();
    }

    private static javax.net.ssl.KeyManager[] keyManagers() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        char[] password = data("alice", "user.password").toCharArray();
        ks.load(new ByteArrayInputStream(bytes("alice", "user.p12")), password);
        KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(ks, password);
        return f.getKeyManagers();
    }
}

package io.kgr.bench;

import static io.kgr.bench.TopicBench.log;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.embedded.LocalKubelet;
import io.kgr.it.Kgr;

/**
 * {@code make bench}, draining a broker: kgr creates a 4-broker + 1-controller KRaft cluster from Git as real broker
 * JVMs; a topic whose every replica is on broker 3 gets {@code MiB} of data; Git then removes broker 3, and kgr moves
 * the data to the brokers that stay before the pod goes. Reported: the move's time per GiB with kgr's default throttle
 * (50 MiB/s per broker) and unthrottled, and the whole apply. Optional argument: MiB to move (default 512).
 */
public final class DrainBench {
    private static final String CLUSTER = "draining";

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        Path root = Path.of("").toAbsolutePath();
        StringBuilder report = new StringBuilder("| throttle | MiB moved | move s | s per GiB | whole apply s |\n|---|---:|---:|---:|---:|\n");
        for (String throttle : List.of(String.valueOf(50L * 1024 * 1024), "0")) {
            Path work = Files.createTempDirectory("kgr-bench-drain");
            Path repo = Files.createDirectories(work.resolve("repo"));
            String bootstrap = LocalKubelet.address(CLUSTER, 0) + ":9092," + LocalKubelet.address(CLUSTER, 1) + ":9092";
            try (EmbeddedKubernetes kube = EmbeddedKubernetes.start("kafka");
                 LocalKubelet kubelet = new LocalKubelet(kube.client(), "kafka", work.resolve("data"),
                         System.getProperty("java.class.path")).start()) {
                Path kubeconfig = kube.writeKubeconfig(work.resolve("kubeconfig"));
                write(repo, 4);
                log("creating the cluster from Git (5 broker JVMs) …");
                expectOk(Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "180"));
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                    admin.createTopics(List.of(new NewTopic("bulk", Map.of(0, List.of(3), 1, List.of(3), 2, List.of(3),
                            3, List.of(3))))).all().get();
                }
                log("writing " + mib + " MiB to broker 3 …");
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                        "batch.size", 1048576, "linger.ms", 20, "compression.type", "none", "acks", "1"),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
                    byte[] value = new byte[256 * 1024]; // under the 1 MiB default record limits
                    new java.util.Random(1).nextBytes(value);
                    List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
                    for (int i = 0; i < mib * 4; i++) sent.add(producer.send(new ProducerRecord<>("bulk", i % 4, null, value)));
                    producer.flush();
                    for (var f : sent) f.get(); // every byte is on broker 3 before it is drained
                }
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                    long bytes = admin.describeLogDirs(List.of(3)).allDescriptions().get().get(3).values().stream()
                            .flatMap(d -> d.replicaInfos().entrySet().stream()).filter(e -> e.getKey().topic().equals("bulk"))
                            .mapToLong(e -> e.getValue().size()).sum();
                    log(String.format("broker 3 holds %.0f MiB of topic bulk", bytes / 1048576.0));
                }
                write(repo, 3);
                log("removing broker 3 (throttle " + throttle + " B/s) …");
                long t0 = System.nanoTime();
                Kgr.Result down = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "180",
                        "--replication-throttle", throttle, "--reassignment-timeout", "1800");
                double whole = (System.nanoTime() - t0) / 1e9;
                expectOk(down);
                Matcher m = Pattern.compile("ok\\s+move-replicas:bulk\\s+\\(([0-9.]+) s\\)").matcher(down.out());
                if (!m.find()) throw new IllegalStateException("no timed move-replicas:bulk step in:\n" + down.out());
                double move = Double.parseDouble(m.group(1));
                report.append(String.format("| %s | %d | %.1f | %.1f | %.1f |%n", throttle.equals("0") ? "none" : "50 MiB/s",
                        mib, move, move * 1024 / mib, whole));
            } finally {
                try (var walk = Files.walk(work)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        }
        System.out.println(report);
        Path out = Files.createDirectories(root.resolve("bench-results")).resolve("drain-" + LocalDate.now() + ".md");
        Files.writeString(out, "Run " + LocalDate.now() + " on " + TopicBench.machine() + "\n\n" + report, StandardCharsets.UTF_8);
        log("written to " + out);
    }

    private static void write(Path repo, int brokers) throws java.io.IOException {
        Files.writeString(repo.resolve("cluster.yaml"), """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: draining}
                spec:
                  kafka:
                    version: 4.1.0
                    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                    config: {offsets.topic.replication.factor: 3, transaction.state.log.replication.factor: 3}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: brokers, labels: {strimzi.io/cluster: draining}}
                spec: {replicas: %d, roles: [broker], storage: {type: persistent-claim, size: 10Gi, deleteClaim: true}}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: controllers, labels: {strimzi.io/cluster: draining}}
                spec: {replicas: 1, roles: [controller], storage: {type: persistent-claim, size: 1Gi}}
                """.formatted(brokers));
    }

    private static void expectOk(Kgr.Result r) {
        if (r.exitCode() != 0) throw new IllegalStateException("kgr apply failed:\n" + r.all());
    }
}

package io.kgr.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.kgr.embedded.LocalKubelet;

/**
 * The rolling-restart scenario shared by {@code RollingRestartTest} and {@code make bench}: a Git repository with a
 * KRaft cluster of 3 brokers and 1 controller and a topic with RF 3 and min.insync.replicas 2, and numbered traffic
 * from an idempotent acks=all producer that can be checked for loss, duplicates and order afterwards.
 */
public final class RollingCluster {
    public static final String NAME = "rolling";
    public static final String TOPIC = "reliable";
    public static final int PARTITIONS = 6;
    /** The brokers' addresses under the local kubelet (node ids 0–2). */
    public static final String BOOTSTRAP = LocalKubelet.address(NAME, 0) + ":9092," + LocalKubelet.address(NAME, 1) + ":9092,"
            + LocalKubelet.address(NAME, 2) + ":9092";

    private RollingCluster() {
    }

    /** The cluster and its topic; {@code extraConfig} is added to the brokers' settings (a change that needs a roll). */
    public static void write(Path repo, String extraConfig) throws java.io.IOException {
        Files.writeString(repo.resolve("cluster.yaml"), """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: rolling}
                spec:
                  kafka:
                    version: 4.1.0
                    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                    config:
                      offsets.topic.replication.factor: 3
                      transaction.state.log.replication.factor: 3
                      transaction.state.log.min.isr: 2
                      min.insync.replicas: 2
                %s
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: brokers, labels: {strimzi.io/cluster: rolling}}
                spec: {replicas: 3, roles: [broker], storage: {type: persistent-claim, size: 1Gi}}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: controllers, labels: {strimzi.io/cluster: rolling}}
                spec: {replicas: 1, roles: [controller], storage: {type: persistent-claim, size: 1Gi}}
                """.formatted(extraConfig.indent(6)));
        Files.writeString(repo.resolve("topic.yaml"), Manifests.topic(TOPIC, NAME, PARTITIONS, 3, Map.of("min.insync.replicas", 2)));
    }

    /** The duration of each roll in a {@code kgr apply} output, in roll order: pod → seconds. */
    public static Map<String, Double> rollSeconds(String applyOutput) {
        Pattern line = Pattern.compile("ok\\s+roll-pod:(\\S+)\\s+\\(([\\d.]+) s\\)");
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String l : applyOutput.lines().toList()) {
            Matcher m = line.matcher(l);
            if (m.find()) out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }

    /** What the producer saw. */
    public record Sent(Map<Integer, List<Long>> acked, int errors, long longestStallMs) {
        public long total() {
            return acked.values().stream().mapToLong(List::size).sum();
        }
    }

    /** What reading the topic back found, against what was acknowledged. */
    public record Check(long missing, long duplicates, List<Integer> outOfOrderPartitions) {
        public boolean exactlyOnceInOrder() {
            return missing == 0 && duplicates == 0 && outOfOrderPartitions.isEmpty();
        }
    }

    /**
     * Numbered messages to every partition, each acknowledgement recorded, each failure counted, until closed. Each
     * message says which traffic run sent it ({@code run/number}), so that runs on the same topic are told apart.
     */
    public static final class Traffic implements AutoCloseable {
        private final Map<Integer, List<Long>> acked = new ConcurrentHashMap<>();
        private final AtomicInteger errors = new AtomicInteger();
        private final AtomicLong longestStallMs = new AtomicLong();
        private final AtomicBoolean producing = new AtomicBoolean(true);
        private final Thread producer;
        private final String run;

        private Traffic(Properties client, String run) {
            this.run = run;
            producer = new Thread(() -> produce(client), "numbered-traffic");
            producer.start();
        }

        public static Traffic start(String bootstrap, String run) {
            return start(bootstrapOnly(bootstrap), run);
        }

        /** With these client settings (bootstrap servers, TLS, SASL). */
        public static Traffic start(Properties client, String run) {
            return new Traffic(client, run);
        }

        /** Stops sending, waits for the outstanding acknowledgements, and says what was acknowledged. */
        public Sent stop() throws InterruptedException {
            producing.set(false);
            producer.join(120_000);
            return new Sent(acked, errors.get(), longestStallMs.get());
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }

        private void produce(Properties client) {
            Properties p = new Properties();
            p.putAll(client);
            p.put("acks", "all");
            p.put("enable.idempotence", "true");
            p.put("delivery.timeout.ms", "120000");
            p.put("linger.ms", "5");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                long[] next = new long[PARTITIONS];
                AtomicLong lastAck = new AtomicLong(System.nanoTime());
                while (producing.get()) {
                    for (int partition = 0; partition < PARTITIONS; partition++) {
                        long seq = next[partition]++;
                        int part = partition;
                        producer.send(new ProducerRecord<>(TOPIC, partition, null, run + "/" + seq), (meta, e) -> {
                            if (e != null) {
                                errors.incrementAndGet();
                                return;
                            }
                            long now = System.nanoTime();
                            longestStallMs.accumulateAndGet((now - lastAck.getAndSet(now)) / 1_000_000, Math::max);
                            acked.computeIfAbsent(part, k -> Collections.synchronizedList(new ArrayList<>())).add(seq);
                        });
                    }
                    Thread.sleep(20);
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The numbers one traffic run wrote to each partition, in log order. */
    public static Map<Integer, List<Long>> readBack(String bootstrap, String run) {
        return readBack(bootstrapOnly(bootstrap), run);
    }

    private static Properties bootstrapOnly(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    public static Map<Integer, List<Long>> readBack(Properties client, String run) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("isolation.level", "read_committed");
        Map<Integer, List<Long>> out = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) parts.add(new TopicPartition(TOPIC, i));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (!r.value().startsWith(run + "/")) continue;
                    out.computeIfAbsent(r.partition(), k -> new ArrayList<>())
                            .add(Long.parseLong(r.value().substring(run.length() + 1)));
                }
            }
        }
        return out;
    }

    /** Every acknowledged number present, none twice, ascending per partition. */
    public static Check check(Sent sent, Map<Integer, List<Long>> read) {
        long missing = 0;
        long duplicates = 0;
        List<Integer> outOfOrder = new ArrayList<>();
        for (var e : sent.acked().entrySet()) {
            List<Long> got = read.getOrDefault(e.getKey(), List.of());
            java.util.Set<Long> distinct = new java.util.HashSet<>(got);
            duplicates += got.size() - distinct.size();
            synchronized (e.getValue()) {
                missing += e.getValue().stream().filter(n -> !distinct.contains(n)).count();
            }
            for (int i = 1; i < got.size(); i++) {
                if (got.get(i) < got.get(i - 1)) {
                    outOfOrder.add(e.getKey());
                    break;
                }
            }
        }
        return new Check(missing, duplicates, outOfOrder);
    }
}

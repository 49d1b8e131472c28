package io.kgr.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.kgr.desired.ClusterSpec;
import io.kgr.desired.DesiredStateBuilder;

/** The generated objects, as golden files (regenerate with -Dkgr.updateGolden=true and review the diff). */
class ClusterModelTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden");
    static final Path SAMPLES = Path.of("../../samples-repo/clusters/my-cluster");

    static ClusterSpec spec(String kafkaYaml, String poolsYaml) {
        Map<String, String> files = new TreeMap<>(Map.of("kafka.yaml", kafkaYaml));
        if (poolsYaml != null) files.put("pools.yaml", poolsYaml);
        var result = DesiredStateBuilder.read(files);
        assertThat(result.diagnostics().stream().filter(d -> d.isError()).toList()).isEmpty();
        return result.state().orElseThrow().kafka().orElseThrow();
    }

    static ClusterSpec samples() throws Exception {
        return spec(Files.readString(SAMPLES.resolve("kafka.yaml")), Files.readString(SAMPLES.resolve("nodepools.yaml")));
    }

    static ClusterModel.Objects generate(ClusterSpec c) {
        return new ClusterModel(c, "kafka", NodeIds.assign(c.pools(), Map.of()), "AbCdEfGhIjKlMnOpQrStUv").generate();
    }

    static String yaml(ClusterModel.Objects objects) {
        StringBuilder out = new StringBuilder();
        for (HasMetadata o : objects.all()) {
            // the agent's jar is the compiler's output: its bytes are BrokerAgentTest's, not the golden file's
            if (o instanceof ConfigMap cm && cm.getBinaryData() != null) {
                ConfigMap masked = new ConfigMapBuilder(cm).withBinaryData(new TreeMap<>()).build();
                cm.getBinaryData().keySet().forEach(k -> masked.getBinaryData().put(k, "(" + k + ", BrokerAgentTest)"));
                o = masked;
            }
            out.append(ClusterModel.SERIALIZATION.asYaml(o));
        }
        return out.toString();
    }

    static void golden(String name, String actual) throws Exception {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("kgr.updateGolden")) Files.writeString(file, actual, StandardCharsets.UTF_8);
        assertThat(file).as("golden file (create it with -Dkgr.updateGolden=true)").exists();
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void theSamplesClusterGolden() throws Exception {
        ClusterModel.Objects objects = generate(samples());
        golden("kube-my-cluster.yaml", yaml(objects));
        assertThat(objects.pods()).extracting(p -> p.getMetadata().getName()).containsExactly(
                "my-cluster-brokers-0", "my-cluster-brokers-1", "my-cluster-brokers-2",
                "my-cluster-controllers-3", "my-cluster-controllers-4", "my-cluster-controllers-5");
        assertThat(objects.claims()).extracting(p -> p.getMetadata().getName())
                .contains("data-0-my-cluster-brokers-0", "data-my-cluster-controllers-3");
        assertThat(objects.services()).extracting(s -> s.getMetadata().getName())
                .containsExactly("my-cluster-kafka-brokers", "my-cluster-kafka-bootstrap");
        assertThat(objects.podSets()).extracting(s -> s.getMetadata().getName())
                .containsExactly("my-cluster-brokers", "my-cluster-controllers");
        assertThat(objects.all()).allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "kgr").containsEntry("strimzi.io/cluster", "my-cluster")
                .containsEntry("app.kubernetes.io/instance", "my-cluster"));
        String broker0 = objects.configMaps().get(0).getData().get("server.properties");
        assertThat(broker0).contains("node.id=0\nprocess.roles=broker\n")
                .contains("controller.quorum.voters=3@my-cluster-controllers-3.my-cluster-kafka-brokers.kafka.svc:9090,")
                .contains("log.dirs=/var/lib/kafka/data-0/kafka-log0")
                .contains("advertised.listeners=REPLICATION://my-cluster-brokers-0.my-cluster-kafka-brokers.kafka.svc:9091,");
    }

    @Test
    void theSameGitGivesTheSameObjects() throws Exception {
        assertThat(yaml(generate(samples()))).isEqualTo(yaml(generate(samples())));
    }

    @Test
    void onlyChangesThatNeedARestartChangeThePodsRevision() throws Exception {
        String kafka = Files.readString(SAMPLES.resolve("kafka.yaml"));
        String pools = Files.readString(SAMPLES.resolve("nodepools.yaml"));
        Map<String, String> before = revisions(generate(spec(kafka, pools)));
        // dynamic: Kafka applies it without a restart
        Map<String, String> dynamic = revisions(generate(spec(kafka.replace("min.insync.replicas: 2", "min.insync.replicas: 1"), pools)));
        assertThat(dynamic).isEqualTo(before);
        // static: needs a restart of every node
        Map<String, String> restart = revisions(generate(spec(kafka.replace("min.insync.replicas: 2",
                "min.insync.replicas: 2\n      num.replica.alter.log.dirs.threads: 2"), pools)));
        assertThat(restart.keySet()).isEqualTo(before.keySet());
        restart.forEach((pod, rev) -> assertThat(rev).as(pod).isNotEqualTo(before.get(pod)));
    }

    static Map<String, String> revisions(ClusterModel.Objects objects) {
        Map<String, String> out = new TreeMap<>();
        for (Pod p : objects.pods()) out.put(p.getMetadata().getName(), p.getMetadata().getAnnotations().get(ClusterModel.REVISION));
        return out;
    }

    @Test
    void aZooKeeperClusterWithANodePortListener() throws Exception {
        ClusterSpec seed = spec("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: seed, namespace: kafka}
                spec:
                  kafka:
                    version: 3.6.0
                    replicas: 3
                    listeners:
                      - {name: plain, port: 9092, type: internal, tls: false}
                      - {name: external, port: 9094, type: nodeport, tls: false}
                    storage:
                      type: jbod
                      volumes: [{id: 0, type: persistent-claim, size: 10Gi, deleteClaim: true}]
                    template:
                      pod:
                        affinity:
                          podAntiAffinity:
                            requiredDuringSchedulingIgnoredDuringExecution:
                              - labelSelector: {matchLabels: {strimzi.io/cluster: seed}}
                                topologyKey: kubernetes.io/hostname
                  zookeeper:
                    replicas: 3
                    storage: {type: persistent-claim, size: 5Gi}
                """, null);
        ClusterModel.Objects objects = generate(seed);
        golden("kube-seed-zookeeper.yaml", yaml(objects));
        assertThat(objects.services()).extracting(s -> s.getMetadata().getName()).contains("seed-kafka-external-bootstrap",
                "seed-kafka-external-0", "seed-kafka-external-2");
        assertThat(objects.pods().get(0).getSpec().getAffinity().getPodAntiAffinity()).isNotNull();
        assertThat(objects.configMaps().get(0).getData().get("server.properties")).contains("broker.id=0")
                .contains("zookeeper.connect=seed-zookeeper-client.kafka.svc:2181");
        assertThat(objects.claims()).filteredOn(c -> c.getMetadata().getName().startsWith("data-0-"))
                .hasSize(3).allSatisfy(c -> assertThat(c.getMetadata().getAnnotations()).containsEntry(ClusterModel.DELETE_CLAIM, "true"));
        // the ZooKeeper ensemble: its own pod set, services, per-node configuration and volumes
        assertThat(objects.podSets()).extracting(p -> p.getMetadata().getName()).containsExactly("seed-kafka", "seed-zookeeper");
        assertThat(objects.services()).extracting(s -> s.getMetadata().getName()).contains("seed-zookeeper-client", "seed-zookeeper-nodes");
        assertThat(objects.claims()).extracting(c -> c.getMetadata().getName()).contains("data-seed-zookeeper-2");
        assertThat(objects.configMaps().stream().filter(c -> c.getMetadata().getName().equals("seed-zookeeper-0")).findFirst()
                .orElseThrow().getData().get("zookeeper.properties"))
                .contains("server.3=seed-zookeeper-2.seed-zookeeper-nodes.kafka.svc:2888:3888");
        // the brokers' services never select ZooKeeper's pods
        assertThat(objects.services().get(0).getSpec().getSelector()).containsEntry(ClusterModel.NAME, "seed-kafka");
    }

    @Test
    void nodeIdsFollowStrimzisRules() {
        ClusterSpec.Storage eph = new ClusterSpec.Storage("ephemeral", List.of());
        var a = new ClusterSpec.Pool("a", java.util.EnumSet.of(ClusterSpec.Role.BROKER), 4, eph, null, null, null,
                Optional.of("[10-11]"), Optional.empty());
        var b = new ClusterSpec.Pool("b", java.util.EnumSet.of(ClusterSpec.Role.BROKER), 1, eph, null, null, null,
                Optional.empty(), Optional.of("[5]"));
        Map<String, SortedSet<Integer>> existing = Map.of("a", new TreeSet<>(List.of(0, 1)), "b", new TreeSet<>(List.of(2, 5, 7)));
        var ids = NodeIds.assign(List.of(a, b), existing);
        assertThat(ids.get("a")).containsExactly(0, 1, 10, 11);     // kept, then the next-node-ids range
        assertThat(ids.get("b")).containsExactly(2);               // remove-node-ids first (5), then the highest (7)
        var grow = NodeIds.assign(List.of(a, b), Map.of("a", new TreeSet<>(List.of(10, 11, 0, 1)), "b", new TreeSet<>(List.of(2))));
        assertThat(grow.get("a")).containsExactly(0, 1, 10, 11);
        var fresh = NodeIds.assign(List.of(new ClusterSpec.Pool("c", java.util.EnumSet.of(ClusterSpec.Role.BROKER), 3, eph,
                null, null, null, Optional.empty(), Optional.empty())), Map.of("old", new TreeSet<>(List.of(1))));
        assertThat(fresh.get("c")).containsExactly(0, 2, 3);       // lowest free ids, never one still in use
    }
}

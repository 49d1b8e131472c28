package io.kgr.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;

/** Strimzi's {@code jvmOptions} become the environment Kafka's scripts read, with Strimzi's meaning. */
class JvmOptionsTest {
    @Test
    void withoutAHeapTheContainersMemoryDecidesItAsStrimziDoes() {
        assertThat(JvmOptions.heap(null, Map.of("limits", Map.of("memory", "2Gi")))).isEqualTo("-Xms1024m -Xmx1024m");
        // the limit, else the request
        assertThat(JvmOptions.heap(Map.of(), Map.of("requests", Map.of("memory", "3Gi"), "limits", Map.of("memory", "4Gi"))))
                .isEqualTo("-Xms2048m -Xmx2048m");
        assertThat(JvmOptions.heap(Map.of(), Map.of("requests", Map.of("memory", "1000Mi")))).isEqualTo("-Xms500m -Xmx500m");
        // at most 5 GiB: the rest is the page cache's
        assertThat(JvmOptions.heap(Map.of(), Map.of("limits", Map.of("memory", "64Gi")))).isEqualTo("-Xms5120m -Xmx5120m");
        // nothing given at all: Kafka's own default
        assertThat(JvmOptions.heap(null, null)).isEmpty();
        assertThat(JvmOptions.heap(null, Map.of("limits", Map.of("cpu", "2")))).isEmpty();
    }

    @Test
    void aHeapGivenIsTakenAsItIs() {
        var memory = Map.of("limits", Map.of("memory", "8Gi"));
        assertThat(JvmOptions.heap(Map.of("-Xms", "2g", "-Xmx", "2g"), memory)).isEqualTo("-Xms2g -Xmx2g");
        assertThat(JvmOptions.heap(Map.of("-XX", Map.of("MaxRAMPercentage", 70, "UseG1GC", true)), memory))
                .isEqualTo("-XX:MaxRAMPercentage=70");
    }

    @Test
    void otherXxOptionsAreFlagsWithTheUnlockingOnesFirst() {
        Map<String, Object> xx = new LinkedHashMap<>();
        xx.put("UseG1GC", true);
        xx.put("PrintNMTStatistics", "true");
        xx.put("UseStringDeduplication", false);
        xx.put("MaxGCPauseMillis", 20);
        xx.put("UnlockDiagnosticVMOptions", true);
        xx.put("MaxRAMPercentage", 50);
        assertThat(JvmOptions.performance(Map.of("-XX", xx))).isEqualTo("-XX:+UnlockDiagnosticVMOptions -XX:MaxGCPauseMillis=20"
                + " -XX:+PrintNMTStatistics -XX:+UseG1GC -XX:-UseStringDeduplication");
        assertThat(JvmOptions.performance(Map.of("-Xmx", "1g"))).isEmpty();
    }

    @Test
    void systemPropertiesReachTheBrokerBesideKgrsAgent() throws Exception {
        String kafka = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: jvm}
                spec:
                  kafka:
                    version: 4.1.0
                    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                    jvmOptions: {"-Xmx": 3g}
                """;
        String pools = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: brokers, labels: {strimzi.io/cluster: jvm}}
                spec:
                  replicas: 1
                  roles: [broker]
                  storage: {type: ephemeral}
                  resources: {limits: {memory: 4Gi}}
                  jvmOptions:
                    "-XX": {UseZGC: true}
                    javaSystemProperties: [{name: javax.net.debug, value: ssl}]
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: controllers, labels: {strimzi.io/cluster: jvm}}
                spec:
                  replicas: 1
                  roles: [controller]
                  storage: {type: ephemeral}
                  jvmOptions: {javaSystemProperties: [{name: a, value: b}]}
                """;
        var spec = ClusterModelTest.spec(kafka, pools);
        var pods = ClusterModelTest.generate(spec).pods();
        Map<String, String> broker = env(pods.get(0).getSpec().getContainers().get(0));
        assertThat(broker).containsEntry("KAFKA_HEAP_OPTS", "-Xms2048m -Xmx2048m")
                .containsEntry("KAFKA_JVM_PERFORMANCE_OPTS", "-XX:+UseZGC")
                .containsEntry("KAFKA_OPTS", BrokerAgent.JAVA_OPTION + " -Djavax.net.debug=ssl");
        Map<String, String> controller = env(pods.get(1).getSpec().getContainers().get(0));
        assertThat(controller).containsEntry("KAFKA_OPTS", "-Da=b").doesNotContainKeys("KAFKA_HEAP_OPTS",
                "KAFKA_JVM_PERFORMANCE_OPTS");
        // a pool with no jvmOptions of its own has the Kafka's
        var inheriting = ClusterModelTest.generate(ClusterModelTest.spec(kafka, pools.replace(
                "  jvmOptions: {javaSystemProperties: [{name: a, value: b}]}\n", ""))).pods();
        assertThat(env(inheriting.get(1).getSpec().getContainers().get(0))).containsEntry("KAFKA_HEAP_OPTS", "-Xmx3g")
                .doesNotContainKey("KAFKA_OPTS");
        // the storage formatting before the broker loads no agent
        assertThat(env(pods.get(0).getSpec().getInitContainers().get(0))).doesNotContainKey("KAFKA_OPTS");
    }

    private static Map<String, String> env(Container c) {
        Map<String, String> out = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) out.put(e.getName(), e.getValue());
        return out;
    }
}

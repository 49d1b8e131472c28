package io.kgr.desired;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.kgr.manifest.Diagnostic;
import io.kgr.manifest.ManifestLoader;
import io.kgr.manifest.SchemaCatalog;
import io.kgr.source.Snapshot;
import io.kgr.source.SourceFile;

class ClusterSpecBuilderTest {
    private final ManifestLoader loader = new ManifestLoader(new SchemaCatalog());

    private DesiredStateBuilder.Result build(String... pathThenContent) {
        List<SourceFile> files = new ArrayList<>();
        for (int i = 0; i < pathThenContent.length; i += 2) {
            files.add(new SourceFile(pathThenContent[i], pathThenContent[i + 1].getBytes(StandardCharsets.UTF_8)));
        }
        return new DesiredStateBuilder(Optional.empty()).build(loader.load(new Snapshot("test", "", "dir:0", files)));
    }

    private static List<String> errors(DesiredStateBuilder.Result r) {
        return r.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::format).toList();
    }

    static final String KRAFT = """
            apiVersion: kafka.strimzi.io/v1beta2
            kind: Kafka
            metadata:
              name: c1
              namespace: kafka
            spec:
              kafka:
                version: 4.1.0
                listeners:
                  - {name: plain, port: 9092, type: internal, tls: false}
                  - {name: tls, port: 9093, type: internal, tls: true, authentication: {type: tls}}
                config:
                  min.insync.replicas: 2
                  num.partitions: 3
            """;

    static String pool(String name, String roles, int replicas, String storage) {
        return """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata:
                  name: %s
                  labels: {strimzi.io/cluster: c1}
                spec:
                  replicas: %d
                  roles: %s
                  storage: %s
                """.formatted(name, replicas, roles, storage);
    }

    @Test
    void theSamplesClusterIsAKraftClusterWithTwoPools() throws Exception {
        Path dir = Path.of(System.getProperty("user.dir")).resolve("../../samples-repo/clusters/my-cluster");
        var r = build("kafka.yaml", Files.readString(dir.resolve("kafka.yaml")), "nodepools.yaml",
                Files.readString(dir.resolve("nodepools.yaml")));
        assertThat(errors(r)).isEmpty();
        ClusterSpec c = r.state().orElseThrow().kafka().orElseThrow();
        assertThat(c.name()).isEqualTo("my-cluster");
        assertThat(c.kraft()).isTrue();
        assertThat(c.image()).isEqualTo("apache/kafka:4.1.0");
        assertThat(c.pools()).extracting(ClusterSpec.Pool::name).containsExactly("brokers", "controllers");
        assertThat(c.pools().get(0).storage().volumes()).singleElement()
                .satisfies(v -> assertThat(v.id()).contains(0)).satisfies(v -> assertThat(v.size()).contains("100Gi"));
        assertThat(r.state().get().cluster()).isEqualTo("my-cluster");
    }

    @Test
    void listenersMustHaveUniqueNamesAndPortsAndSupportedTypes() {
        String kafka = KRAFT.replace("      - {name: tls, port: 9093, type: internal, tls: true, authentication: {type: tls}}\n",
                "      - {name: plain, port: 9092, type: route, tls: true}\n"
                + "      - {name: metrics, port: 9404, type: internal, tls: false}\n");
        var r = build("kafka.yaml", kafka, "pools.yaml", pool("dual", "[broker, controller]", 3, "{type: ephemeral}"));
        assertThat(errors(r))
                .anySatisfy(e -> assertThat(e).startsWith("kafka.yaml:11:16").contains("listeners[1].name").contains("used twice"))
                .anySatisfy(e -> assertThat(e).contains("listeners[1].port").contains("port 9092 is used twice"))
                .anySatisfy(e -> assertThat(e).contains("listeners[1].type").contains("not supported yet"))
                .anySatisfy(e -> assertThat(e).contains("listeners[2].port").contains("reserved"));
        assertThat(r.state()).isEmpty();
        var badName = build("kafka.yaml", KRAFT.replace("name: tls,", "name: Bad_Name,"), "pools.yaml",
                pool("dual", "[broker, controller]", 3, "{type: ephemeral}"));
        assertThat(errors(badName)).anySatisfy(e -> assertThat(e).startsWith("kafka.yaml:11:").contains("listeners[1].name"));
    }

    /**
     * Strimzi's fields kgr does not use yet are read past with a warning naming where they are; a field Strimzi does not
     * have either (a typo) is an error with the field it was probably meant to be; Strimzi's cluster-wide disruption
     * budget is the pools' budget.
     */
    @Test
    void strimzisUnusedFieldsAreWarnedAndTyposAreErrors() {
        String kafka = KRAFT.replace("    config:\n", """
                    metricsConfig: {type: jmxPrometheusExporter, valueFrom: {configMapKeyRef: {name: m, key: k}}}
                    logging: {type: inline, loggers: {rootLogger.level: INFO}}
                    template:
                      podDisruptionBudget: {maxUnavailable: 0}
                      kafkaContainer: {env: [{name: X, value: y}]}
                    config:
                """).replace("  kafka:\n", "  maintenanceTimeWindows: [\"* * 0-1 ? * SUN\"]\n  kafka:\n");
        String pools = pool("dual", "[broker, controller]", 3, "{type: ephemeral}")
                + "  template: {perPodService: {metadata: {labels: {a: b}}}}\n";
        var r = build("kafka.yaml", kafka, "pools.yaml", pools);
        assertThat(errors(r)).isEmpty();
        assertThat(r.diagnostics().stream().map(Diagnostic::format))
                .anySatisfy(w -> assertThat(w).startsWith("kafka.yaml:13:").contains("spec.kafka.metricsConfig is not supported yet"))
                .anySatisfy(w -> assertThat(w).contains("spec.kafka.logging is not supported yet"))
                .anySatisfy(w -> assertThat(w).contains("spec.kafka.template.kafkaContainer is not supported yet"))
                .anySatisfy(w -> assertThat(w).contains("spec.maintenanceTimeWindows is ignored"))
                .anySatisfy(w -> assertThat(w).startsWith("pools.yaml:").contains("spec.template.perPodService is not supported yet"))
                .noneSatisfy(w -> assertThat(w).contains("podDisruptionBudget"));
        assertThat(r.state().orElseThrow().kafka().orElseThrow().pools()).allSatisfy(p -> assertThat(p.maxUnavailable()).isZero());

        var typo = build("kafka.yaml", KRAFT.replace("    listeners:", "    listners:"), "pools.yaml", pools);
        assertThat(errors(typo)).anySatisfy(e -> assertThat(e).startsWith("kafka.yaml:9:5")
                .contains("unknown field 'listners' (did you mean 'listeners'?)"));
        var specTypo = build("kafka.yaml", KRAFT.replace("  kafka:\n", "  entityOperater: {}\n  kafka:\n"), "pools.yaml", pools);
        assertThat(errors(specTypo)).anySatisfy(e -> assertThat(e).contains("unknown field 'entityOperater'")
                .contains("did you mean 'entityOperator'"));
    }

    @Test
    void configKgrSetsItselfIsRefusedWithTheKey() {
        String kafka = KRAFT.replace("      num.partitions: 3\n", "      num.partitions: 3\n      listeners: PLAINTEXT://:9092\n"
                + "      ssl.keystore.location: /x\n      ssl.cipher.suites: TLS_AES_256_GCM_SHA384\n      node.id: 7\n");
        var r = build("kafka.yaml", kafka, "pools.yaml", pool("dual", "[broker, controller]", 3, "{type: ephemeral}"));
        assertThat(errors(r))
                .anySatisfy(e -> assertThat(e).contains("spec.kafka.config.listeners").contains("set by kgr itself"))
                .anySatisfy(e -> assertThat(e).contains("ssl.keystore.location"))
                .anySatisfy(e -> assertThat(e).contains("node.id"))
                .noneSatisfy(e -> assertThat(e).contains("ssl.cipher.suites"));
    }

    @Test
    void kraftNeedsAControllerPoolAndZooKeeperIsGoneInKafka4() {
        var noController = build("kafka.yaml", KRAFT, "pools.yaml", pool("brokers", "[broker]", 3, "{type: ephemeral}"));
        assertThat(errors(noController)).anySatisfy(e -> assertThat(e).contains("controller role"));
        var noPools = build("kafka.yaml", KRAFT);
        assertThat(errors(noPools)).anySatisfy(e -> assertThat(e).contains("needs KafkaNodePools"));
        var withZk = build("kafka.yaml", KRAFT + "  zookeeper: {replicas: 3, storage: {type: ephemeral}}\n",
                "pools.yaml", pool("dual", "[broker, controller]", 3, "{type: ephemeral}"));
        assertThat(errors(withZk)).anySatisfy(e -> assertThat(e).contains("spec.zookeeper").contains("no ZooKeeper mode"));
    }

    @Test
    void aZooKeeperClusterWithoutPoolsIsOnePoolOfBrokers() {
        String zk = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: seed}
                spec:
                  kafka:
                    version: 3.6.0
                    replicas: 3
                    listeners:
                      - {name: plain, port: 9092, type: internal, tls: false}
                      - {name: external, port: 9094, type: nodeport, tls: false}
                    storage:
                      type: jbod
                      volumes:
                        - {id: 0, type: persistent-claim, size: 10Gi, deleteClaim: true}
                  zookeeper:
                    replicas: 3
                    storage: {type: persistent-claim, size: 5Gi}
                  entityOperator: {topicOperator: {}, userOperator: {}}
                """;
        var r = build("kafka.yaml", zk);
        assertThat(errors(r)).isEmpty();
        assertThat(r.diagnostics()).extracting(Diagnostic::format)
                .anySatisfy(d -> assertThat(d).contains("spec.entityOperator").contains("ignored"));
        ClusterSpec c = r.state().orElseThrow().kafka().orElseThrow();
        assertThat(c.kraft()).isFalse();
        assertThat(c.zookeeper()).hasValueSatisfying(z -> assertThat(z.replicas()).isEqualTo(3));
        assertThat(c.pools()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("kafka");
            assertThat(p.isBroker()).isTrue();
            assertThat(p.storage().volumes().get(0).deleteClaim()).isTrue();
        });
    }

    @Test
    void jbodVolumeIdsAreUniqueAndPoolErrorsNameThePoolFile() {
        var r = build("kafka.yaml", KRAFT, "pools.yaml", pool("dual", "[broker, controller]", 3,
                "{type: jbod, volumes: [{id: 0, type: persistent-claim, size: 1Gi}, {id: 0, type: persistent-claim, size: 2Gi}]}"));
        assertThat(errors(r)).anySatisfy(e -> assertThat(e).startsWith("pools.yaml:").contains("volume id 0 is used twice"));
        var noSize = build("kafka.yaml", KRAFT, "pools.yaml", pool("dual", "[broker, controller]", 3,
                "{type: persistent-claim}"));
        assertThat(errors(noSize)).anySatisfy(e -> assertThat(e).startsWith("pools.yaml:").contains("size"));
    }

    @Test
    void aPoolForAnUnknownClusterIsAnError() {
        var r = build("pools.yaml", pool("dual", "[broker, controller]", 3, "{type: ephemeral}"));
        assertThat(errors(r)).anySatisfy(e -> assertThat(e).contains("no Kafka named 'c1'"));
    }

    @Test
    void brokerSettingsTheBrokerWouldRefuseAreErrorsAtTheirKey() {
        String kafka = KRAFT.replace("  num.partitions: 3\n", "  num.partitions: three\n      log.retention.hours: -5x\n"
                + "      auto.create.topics.enable: maybe\n      my.plugin.setting: anything\n");
        var r = build("k.yaml", kafka, "p.yaml", pool("dual", "[controller, broker]", 3, "{type: ephemeral}"));
        assertThat(errors(r)).hasSize(3).anySatisfy(e -> assertThat(e).startsWith("k.yaml:14:23  spec.kafka.config[\"num.partitions\"]").contains("three"))
                .anySatisfy(e -> assertThat(e).contains("log.retention.hours", "-5x"))
                .anySatisfy(e -> assertThat(e).contains("auto.create.topics.enable", "true or false"));
    }
}

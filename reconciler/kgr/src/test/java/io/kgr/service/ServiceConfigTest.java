package io.kgr.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.kgr.manifest.Diagnostic;

class ServiceConfigTest {
    private static final Path BASE = Path.of("/etc/kgr");

    private static ServiceConfig.Result parse(String yaml) {
        return ServiceConfig.parse("kgr.yaml", yaml, BASE);
    }

    @Test
    void fullConfigIsReadWithDefaultsAndPathsRelativeToTheConfig() {
        var result = parse("""
                server:
                  port: 9090
                  apiTokenFile: api/token
                clusters:
                  - name: prod
                    namespace: kafka
                    kafka:
                      bootstrapServers: prod-kafka-bootstrap:9092
                      propertiesFile: admin.properties
                sources:
                  - name: platform
                    url: https://git.example.com/platform/kafka.git
                    ref: main
                    path: clusters/prod
                    cluster: prod
                    schedule: "0 */2 * * * ?"
                    mode: plan
                    prune: true
                    protect: ["legacy-.*"]
                    maxPruneShare: 20
                    operationalKeys: [confluent.placement.constraints]
                    auth: {tokenFile: git/token}
                    webhook: {secretFile: /run/secrets/hook}
                """);
        assertThat(result.diagnostics()).isEmpty();
        ServiceConfig c = result.config().orElseThrow();
        assertThat(c.server().port()).isEqualTo(9090);
        assertThat(c.server().bindAddress()).as("loopback unless configured").isEqualTo("127.0.0.1");
        assertThat(c.server().apiTokenFile()).contains(BASE.resolve("api/token"));
        assertThat(c.history()).isEqualTo(20);
        assertThat(c.leaderElection().enabled()).isEqualTo("auto");
        assertThat(c.leaderElection().leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        ServiceConfig.Cluster prod = c.cluster("prod");
        assertThat(prod.kafkaPropertiesFile()).contains(BASE.resolve("admin.properties"));
        assertThat(prod.kubernetes()).isEqualTo(ServiceConfig.KubernetesMode.NONE);
        ServiceConfig.Source s = c.source("platform");
        assertThat(s.mode()).isEqualTo(ServiceConfig.Mode.PLAN);
        assertThat(s.prune()).isTrue();
        assertThat(s.suspend()).isFalse();
        assertThat(s.tokenFile()).contains(BASE.resolve("git/token"));
        assertThat(s.webhookSecretFile()).contains(Path.of("/run/secrets/hook"));
        assertThat(s.protect()).containsExactly("legacy-.*");
        assertThat(s.allowMassPrune()).isFalse();
        assertThat(s.maxPruneShare()).isEqualTo(20);
        assertThat(s.operationalKeys()).containsExactly("confluent.placement.constraints");
    }

    @Test
    void mistakesAreReportedWithLineAndFieldAndNothingStarts() {
        var result = parse("""
                clusters:
                  - name: prod
                    kafka: {bootstrapServers: "k:9092"}
                sources:
                  - name: platform
                    url: https://git.example.com/kafka.git
                    cluster: staging
                    schedule: "every five minutes"
                    mode: sync
                    webhook: {secret: plain-text-secret}
                """);
        assertThat(result.ok()).isFalse();
        assertThat(result.diagnostics()).extracting(Diagnostic::format)
                .anySatisfy(d -> assertThat(d).startsWith("kgr.yaml:9:").contains("sources[0].mode"))
                .anySatisfy(d -> assertThat(d).startsWith("kgr.yaml:10:").contains("unknown field 'secret'"));
        assertThat(result.diagnostics()).extracting(Diagnostic::format)
                .noneMatch(d -> d.contains("plain-text-secret"));
    }

    @Test
    void crossChecksNameTheField() {
        var result = parse("""
                clusters:
                  - name: prod
                    kafka: {bootstrapServers: "k:9092"}
                sources:
                  - name: platform
                    url: https://git.example.com/kafka.git
                    cluster: staging
                    schedule: "every five minutes"
                  - name: platform
                    url: /srv/git/kafka.git
                    cluster: prod
                    protect: ["(unclosed"]
                """);
        assertThat(result.ok()).isFalse();
        assertThat(result.diagnostics()).extracting(Diagnostic::format)
                .anySatisfy(d -> assertThat(d).startsWith("kgr.yaml:7:").contains("sources[0].cluster").contains("no cluster named 'staging'"))
                .anySatisfy(d -> assertThat(d).startsWith("kgr.yaml:8:").contains("not a Quartz cron expression"))
                .anySatisfy(d -> assertThat(d).startsWith("kgr.yaml:9:").contains("defined twice"))
                .anySatisfy(d -> assertThat(d).startsWith("kgr.yaml:12:").contains("not a regular expression"));
    }

    @Test
    void aClusterNeedsAWayToKafka() {
        var result = parse("""
                clusters:
                  - name: prod
                sources:
                  - {name: a, url: /srv/git/a.git, cluster: prod}
                """);
        assertThat(result.diagnostics()).extracting(Diagnostic::format)
                .anySatisfy(d -> assertThat(d).contains("neither kafka.bootstrapServers nor kafka.propertiesFile"));
    }

    @Test
    void tokenAndSshKeyAreExclusiveAndSshNeedsKnownHosts() {
        var result = parse("""
                clusters:
                  - {name: prod, kafka: {bootstrapServers: "k:9092"}}
                sources:
                  - name: a
                    url: git@github.com:acme/kafka.git
                    cluster: prod
                    auth: {sshKeyFile: id_ed25519}
                """);
        assertThat(result.ok()).isFalse();
        assertThat(result.diagnostics()).extracting(Diagnostic::format).anySatisfy(d -> assertThat(d).contains("knownHostsFile"));
    }
}

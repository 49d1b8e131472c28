package io.kgr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kgr validate as a pre-merge gate: what it says offline, for the repository and for serve's configuration. */
class ValidateCommandTest {
    @TempDir Path tmp;

    private static Cli.Ran run(String... args) {
        return Cli.run(args);
    }

    @Test
    void aClusterNameNothingInTheRepositoryIsForFails() throws Exception {
        Files.writeString(tmp.resolve("t.yaml"), """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata: {name: orders, labels: {strimzi.io/cluster: my-cluster}}
                spec: {partitions: 3}
                """);
        Cli.Ran nosuch = run("validate", "--cluster", "nosuch", tmp.toString());
        assertThat(nosuch.code()).isEqualTo(1);
        assertThat(nosuch.err()).contains("t.yaml:3:", "nothing in the repository is for cluster 'nosuch': its manifests name [my-cluster]");
        assertThat(run("validate", "--cluster", "my-cluster", tmp.toString()).code()).isZero();
    }

    @Test
    void serveConfigurationIsCheckedOfflineWithTheFieldItMeant() throws Exception {
        Path config = tmp.resolve("kgr.yaml");
        Files.writeString(config, """
                server: {port: 8080, bindAdress: 0.0.0.0}
                clusters:
                  - name: c1
                    kafka: {bootstrapServers: "localhost:9092"}
                sources:
                  - name: s1
                    url: https://example.com/repo.git
                    cluster: c1
                    approvals: {hold: [destructive], windows: [{start: "0 0 22 ? * MON-FRI", duration: PT2H}]}
                """);
        Cli.Ran typo = run("validate", "--config", config.toString());
        assertThat(typo.code()).isEqualTo(1);
        assertThat(typo.err()).contains("kgr.yaml:1:", "server.bindAdress", "unknown field 'bindAdress' (did you mean 'bindAddress'?)");
        Files.writeString(config, Files.readString(config).replace("bindAdress", "bindAddress"));
        Cli.Ran fixed = run("validate", "--config", config.toString());
        assertThat(fixed.code()).as(fixed.err()).isZero();
        assertThat(fixed.out()).contains("Valid: " + config + ", 1 cluster(s), 1 source(s).");
    }
}

package io.kgr.desired;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.manifest.Diagnostic;
import io.kgr.manifest.ManifestLoader;
import io.kgr.manifest.SchemaCatalog;
import io.kgr.source.Snapshot;
import io.kgr.source.SourceFile;

/** A SCRAM user whose password Secret Strimzi's User Operator made keeps that password; any other foreign one is an error. */
class StrimziUserSecretTest {
    private EmbeddedKubernetes kube;

    @BeforeEach
    void start() throws Exception {
        kube = EmbeddedKubernetes.start("kafka");
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    private void secret(String name, Map<String, String> labels) {
        kube.client().secrets().inNamespace("kafka").resource(new SecretBuilder().withNewMetadata().withName(name)
                .withLabels(labels).endMetadata().withData(Map.of("password", Base64.getEncoder()
                        .encodeToString("strimzi-made".getBytes(StandardCharsets.UTF_8)))).build()).create();
    }

    private DesiredStateBuilder.Result build(String user) {
        String yaml = """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata: {name: %s, labels: {strimzi.io/cluster: my-cluster}}
                spec:
                  authentication: {type: scram-sha-512}
                """.formatted(user);
        var files = List.of(new SourceFile("u.yaml", yaml.getBytes(StandardCharsets.UTF_8)));
        var secrets = SecretResolver.kubernetes(new KubernetesSecrets(kube.client(), "kafka"));
        return new DesiredStateBuilder(Optional.empty(), secrets).build(new ManifestLoader(new SchemaCatalog())
                .load(new Snapshot("t", "", "d", files)));
    }

    @Test
    void aPasswordStrimziGeneratedIsKeptAndNeverRegenerated() {
        secret("alice", Map.of("strimzi.io/kind", "KafkaUser", "strimzi.io/cluster", "my-cluster"));
        var r = build("alice");
        assertThat(r.ok()).as(r.diagnostics().toString()).isTrue();
        UserSpec alice = r.state().get().users().get("alice");
        assertThat(alice.generatedPassword()).as("kgr neither rewrites nor deletes Strimzi's Secret").isFalse();
        assertThat(alice.password().orElseThrow().reveal()).isEqualTo("strimzi-made");
        assertThat(r.diagnostics()).extracting(Diagnostic::message).anyMatch(m -> m.contains("which Strimzi's User Operator generated"));
    }

    @Test
    void anotherToolsSecretOfTheUsersNameIsStillAnError() {
        secret("bob", Map.of("app", "someone-else"));
        var r = build("bob");
        assertThat(r.ok()).isFalse();
        assertThat(r.diagnostics()).extracting(Diagnostic::message).anyMatch(m -> m.contains("was not created by kgr"));
    }
}

package io.kgr.desired;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.kgr.manifest.Diagnostic;

/** What validate proves wrong from the repository alone, each at its file, line and field, with the fix. */
class RepositoryChecksTest {
    private static final String KAFKA = """
            apiVersion: kafka.strimzi.io/v1
            kind: Kafka
            metadata: {name: my-cluster}
            spec:
              kafka:
                listeners:
                  - {name: plain, port: 9092, type: internal, tls: false}
                  - {name: tls, port: 9093, type: internal, tls: true}
            ---
            apiVersion: kafka.strimzi.io/v1
            kind: KafkaNodePool
            metadata: {name: dual, labels: {strimzi.io/cluster: my-cluster}}
            spec: {replicas: 3, roles: [controller, broker], storage: {type: ephemeral}}
            """;

    private static String topic(String name, String cluster, String spec) {
        return "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: " + name
                + "\n  labels: {strimzi.io/cluster: " + cluster + "}\nspec:\n" + spec;
    }

    private static List<String> of(Severity severity, DesiredStateBuilder.Result r) {
        return r.diagnostics().stream().filter(d -> d.isError() == (severity == Severity.ERROR)).map(Diagnostic::format).toList();
    }

    private enum Severity { ERROR, WARNING }

    @Test
    void replicasAndMinInsyncAboveTheDeclaredBrokersAreErrors() {
        var r = DesiredStateBuilder.read(Map.of("kafka.yaml", KAFKA, "t.yaml",
                topic("orders", "my-cluster", "  partitions: 3\n  replicas: 5\n  config: {min.insync.replicas: 4}\n")));
        assertThat(of(Severity.ERROR, r)).anySatisfy(e -> assertThat(e).startsWith("t.yaml:8:13  spec.replicas")
                .contains("replicas 5 is more than the 3 broker(s) cluster my-cluster declares"));
        assertThat(of(Severity.ERROR, r)).anySatisfy(e -> assertThat(e).contains("spec.config[\"min.insync.replicas\"]")
                .contains("lower it to at most 3"));
    }

    @Test
    void aUserWhoseAuthenticationNoListenerAcceptsIsAWarningWithTheFix() {
        String user = """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata: {name: my-user, labels: {strimzi.io/cluster: my-cluster}}
                spec:
                  authentication: {type: tls}
                """;
        var r = DesiredStateBuilder.read(Map.of("kafka.yaml", KAFKA, "u.yaml", user));
        assertThat(r.ok()).isTrue();
        assertThat(of(Severity.WARNING, r)).singleElement().asString().startsWith("u.yaml:5:")
                .contains("spec.authentication.type", "no listener of cluster my-cluster accepts it",
                        "add a listener with authentication: {type: tls}");
    }

    @Test
    void aUserWithAclsOnAClusterWithoutAnAuthorizerIsAnErrorWithTheFix() {
        String user = """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata: {name: reader, labels: {strimzi.io/cluster: my-cluster}}
                spec:
                  authorization:
                    type: simple
                    acls:
                      - resource: {type: topic, name: orders}
                        operations: [Read]
                """;
        var r = DesiredStateBuilder.read(Map.of("kafka.yaml", KAFKA, "u.yaml", user));
        assertThat(of(Severity.ERROR, r)).singleElement().asString().startsWith("u.yaml:6:5  spec.authorization")
                .contains("user reader declares ACLs, but cluster my-cluster has no authorizer",
                        "add authorization: {type: simple} to the Kafka");
        // with the authorizer declared, the same user is fine
        var withAuthorizer = DesiredStateBuilder.read(Map.of("kafka.yaml", KAFKA.replace("    listeners:",
                "    authorization: {type: simple}\n    listeners:"), "u.yaml", user));
        assertThat(of(Severity.ERROR, withAuthorizer)).isEmpty();
    }

    @Test
    void twoClustersPoolsOfOneNameAreAWarningAsANamespaceHoldsOne() {
        String other = KAFKA.replace("my-cluster", "other-cluster");
        var r = DesiredStateBuilder.read(Map.of("a/kafka.yaml", KAFKA, "b/kafka.yaml", other), Optional.of("my-cluster"));
        assertThat(r.ok()).isTrue();
        assertThat(of(Severity.WARNING, r)).anySatisfy(w -> assertThat(w).startsWith("b/kafka.yaml:")
                .contains("KafkaNodePool dual of cluster 'other-cluster' has the name of cluster 'my-cluster''s,"
                        + " declared at a/kafka.yaml:", "give them different names"));
        // pools named apart: nothing to say
        var apart = DesiredStateBuilder.read(Map.of("a/kafka.yaml", KAFKA, "b/kafka.yaml",
                other.replace("name: dual", "name: other-dual")), Optional.of("my-cluster"));
        assertThat(of(Severity.WARNING, apart)).noneMatch(w -> w.contains("has the name of"));
    }

    @Test
    void aMisspeltClusterLabelNeverBecomesTheTarget() {
        var r = DesiredStateBuilder.read(Map.of("kafka.yaml", KAFKA,
                "a.yaml", topic("typo", "my-clutser", "  partitions: 1\n"),
                "b.yaml", topic("right", "my-cluster", "  partitions: 1\n")));
        assertThat(r.ok()).isTrue();
        assertThat(r.state().get().cluster()).isEqualTo("my-cluster");
        assertThat(r.state().get().topics()).containsOnlyKeys("right");
        assertThat(of(Severity.WARNING, r)).anySatisfy(w -> assertThat(w).startsWith("a.yaml:5:")
                .contains("labelled for cluster 'my-clutser', which no Kafka manifest in the repository declares")
                .endsWith("(did you mean 'my-cluster'?)"));
    }

    @Test
    void anUnknownFieldGetsTheFieldItMostLikelyMeant() {
        var r = DesiredStateBuilder.read(Map.of("t.yaml", topic("orders", "my-cluster", "  partitions: 1\n  replica: 3\n")));
        assertThat(of(Severity.ERROR, r)).singleElement().asString().startsWith("t.yaml:8:3  spec.replica")
                .contains("unknown field 'replica' (did you mean 'replicas'?)");
    }
}

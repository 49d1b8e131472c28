package io.kgr.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;

/** What a saved plan's fingerprint of the namespace covers among Strimzi's resources. */
class LiveKubeTest {
    private static LiveKube with(String kafkaVersion, Map<String, String> kafkaLabels, String mirrorVersion) {
        TreeMap<String, GenericKubernetesResource> strimzi = new TreeMap<>();
        strimzi.put("Kafka/c1", new GenericKubernetesResourceBuilder().withKind("Kafka").withNewMetadata().withName("c1")
                .withLabels(kafkaLabels).withResourceVersion(kafkaVersion).endMetadata().build());
        strimzi.put("KafkaTopic/t", new GenericKubernetesResourceBuilder().withKind("KafkaTopic").withNewMetadata().withName("t")
                .withLabels(Map.of("app.kubernetes.io/managed-by", "kgr")).withResourceVersion(mirrorVersion).endMetadata().build());
        LiveKube empty = LiveKube.empty("ns");
        return new LiveKube("ns", empty.services(), empty.configMaps(), empty.claims(), empty.pods(), empty.podSets(),
                empty.storageClasses(), empty.secrets(), empty.disruptionBudgets(), Optional.of(strimzi));
    }

    @Test
    void aStrimziResourceKgrDidNotMakeChangesTheFingerprintAndKgrsMirrorDoesNot() {
        Map<String, String> strimzis = Map.of();
        // Strimzi's own Kafka changed (say its pause was lifted): a saved takeover plan is no longer applied
        assertThat(with("2", strimzis, "7").fingerprint()).isNotEqualTo(with("1", strimzis, "7").fingerprint());
        // kgr's mirror changes after every run (its status): no saved plan is stale for that
        assertThat(with("1", strimzis, "8").fingerprint()).isEqualTo(with("1", strimzis, "7").fingerprint());
        Map<String, String> mirror = Map.of("app.kubernetes.io/managed-by", "kgr");
        assertThat(with("2", mirror, "7").fingerprint()).isEqualTo(with("1", mirror, "7").fingerprint());
    }
}

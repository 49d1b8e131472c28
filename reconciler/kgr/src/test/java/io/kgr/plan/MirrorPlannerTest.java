package io.kgr.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.kgr.desired.DesiredState;
import io.kgr.desired.DesiredStateBuilder;
import io.kgr.observe.LiveKube;

/** Which mirrors a plan deletes: only kgr's, of this source and cluster, for resources Git dropped, and only when pruning. */
class MirrorPlannerTest {
    private static final DesiredState DESIRED = DesiredStateBuilder.read(Map.of("t.yaml", """
            apiVersion: kafka.strimzi.io/v1
            kind: KafkaTopic
            metadata: {name: kept, labels: {strimzi.io/cluster: c1}}
            spec: {partitions: 1}
            """)).state().orElseThrow();

    private static GenericKubernetesResource topic(String name, Map<String, String> labels, String source) {
        return new GenericKubernetesResourceBuilder().withApiVersion("kafka.strimzi.io/v1").withKind("KafkaTopic")
                .withNewMetadata().withName(name).withLabels(labels)
                .withAnnotations(source == null ? Map.of() : Map.of("kgr.io/source", source)).endMetadata().build();
    }

    private static LiveKube live() {
        Map<String, String> kgr = Map.of("app.kubernetes.io/managed-by", "kgr", "strimzi.io/cluster", "c1");
        TreeMap<String, GenericKubernetesResource> all = new TreeMap<>();
        all.put("KafkaTopic/dropped", topic("dropped", kgr, "repo-a"));
        all.put("KafkaTopic/others", topic("others", kgr, "repo-b"));
        all.put("KafkaTopic/strimzis", topic("strimzis", Map.of("strimzi.io/cluster", "c1"), null));
        all.put("KafkaTopic/elsewhere", topic("elsewhere", Map.of("app.kubernetes.io/managed-by", "kgr",
                "strimzi.io/cluster", "c2"), "repo-a"));
        LiveKube empty = LiveKube.empty("ns");
        return new LiveKube("ns", empty.services(), empty.configMaps(), empty.claims(), empty.pods(), empty.podSets(),
                empty.storageClasses(), empty.secrets(), empty.disruptionBudgets(), Optional.of(all));
    }

    @Test
    void onlyThisSourcesMirrorsOfDroppedResourcesAreDeletedAndOnlyWithPruning() {
        var pruning = MirrorPlanner.plan(DESIRED, live(), Fixtures.header(), Policy.defaults(true));
        assertThat(pruning.steps()).extracting(Step::id)
                .containsExactlyInAnyOrder("create-kube-object:KafkaTopic/kept", "delete-kube-object:KafkaTopic/dropped");
        var kept = MirrorPlanner.plan(DESIRED, live(), Fixtures.header(), Policy.defaults(false));
        assertThat(kept.steps()).extracting(Step::id).containsExactly("create-kube-object:KafkaTopic/kept");
        assertThat(kept.notes()).anyMatch(n -> n.contains("KafkaTopic/dropped") && n.contains("pruning is off"));
    }

    @Test
    void anotherClustersMirrorOfTheSameNameIsLeftAloneAndNamedAsTheirs() {
        TreeMap<String, GenericKubernetesResource> all = new TreeMap<>(live().strimziResources().orElseThrow());
        all.put("KafkaTopic/kept", topic("kept", Map.of("app.kubernetes.io/managed-by", "kgr", "strimzi.io/cluster", "c2"),
                "repo-b"));
        LiveKube empty = LiveKube.empty("ns");
        LiveKube live = new LiveKube("ns", empty.services(), empty.configMaps(), empty.claims(), empty.pods(),
                empty.podSets(), empty.storageClasses(), empty.secrets(), empty.disruptionBudgets(), Optional.of(all));
        var plan = MirrorPlanner.plan(DESIRED, live, Fixtures.header(), Policy.defaults(true));
        // neither taken over (two clusters would overwrite each other's mirror on every run) nor deleted
        assertThat(plan.steps()).extracting(Step::id).containsExactly("delete-kube-object:KafkaTopic/dropped");
        assertThat(plan.notes()).anyMatch(n -> n.contains("KafkaTopic/kept (cluster c2's mirror)"));
    }
}

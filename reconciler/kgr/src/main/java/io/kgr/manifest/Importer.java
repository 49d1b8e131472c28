package io.kgr.manifest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns Strimzi resources as a cluster holds them ({@code kubectl get kafka,kafkanodepools,kafkatopics,kafkausers -o
 * yaml}) into clean Git manifests: what the API server, kubectl, Strimzi's operators or kgr's mirrors added is removed
 * — {@code status}, the namespace, uid, resource version, generation, timestamps, managed fields, owner references,
 * finalizers, {@code kubectl.kubernetes.io/last-applied-configuration}, kgr's own labels and annotations — and what the
 * resource says of itself stays: name, labels, annotations, spec.
 */
public final class Importer {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final Set<String> KINDS = Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser");
    /** Annotations set by tools, never by a person writing the resource. */
    private static final Set<String> TOOL_ANNOTATIONS = Set.of("kubectl.kubernetes.io/last-applied-configuration",
            "kgr.io/source", "kgr.io/file", "kgr.io/commit");

    /** One clean manifest, and where in a repository it goes. */
    public record Imported(String kind, String name, String path, String yaml) {
    }

    private Importer() {
    }

    /** The clean manifests of the Strimzi resources among {@code manifests}, in the order they came. */
    public static List<Imported> clean(Manifests manifests) {
        List<Imported> out = new ArrayList<>();
        for (Manifest m : manifests.manifests()) {
            if (!KINDS.contains(m.kind())) continue;
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("apiVersion", m.apiVersion());
            doc.put("kind", m.kind());
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("name", m.name());
            JsonNode given = m.body().path("metadata");
            boolean kgrMirror = "kgr".equals(given.path("labels").path("app.kubernetes.io/managed-by").asString(""));
            TreeMap<String, String> labels = strings(given.path("labels"));
            if (kgrMirror) labels.remove("app.kubernetes.io/managed-by");
            if (!labels.isEmpty()) metadata.put("labels", labels);
            TreeMap<String, String> annotations = strings(given.path("annotations"));
            annotations.keySet().removeAll(TOOL_ANNOTATIONS);
            // a kgr mirror is paused for Strimzi's sake; in Git the annotation would mean "leave it alone"
            if (kgrMirror) annotations.remove("strimzi.io/pause-reconciliation");
            if (!annotations.isEmpty()) metadata.put("annotations", annotations);
            doc.put("metadata", metadata);
            if (m.body().has("spec")) doc.put("spec", JSON.treeToValue(m.body().get("spec"), Object.class));
            out.add(new Imported(m.kind(), m.name(), path(m.kind(), m.name()), yaml(doc)));
        }
        return out;
    }

    /** Where a resource's file goes: {@code kafka-<name>.yaml}, {@code nodepools/}, {@code topics/}, {@code users/}. */
    static String path(String kind, String name) {
        return switch (kind) {
            case "Kafka" -> "kafka-" + name + ".yaml";
            case "KafkaNodePool" -> "nodepools/" + name + ".yaml";
            case "KafkaTopic" -> "topics/" + name + ".yaml";
            default -> "users/" + name + ".yaml";
        };
    }

    private static TreeMap<String, String> strings(JsonNode node) {
        TreeMap<String, String> out = new TreeMap<>();
        if (node.isObject()) node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    private static String yaml(Map<String, Object> doc) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(0);
        options.setWidth(120);
        return new Yaml(options).dump(doc);
    }
}

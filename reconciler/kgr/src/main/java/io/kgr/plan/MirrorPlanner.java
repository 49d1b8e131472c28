package io.kgr.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kgr.desired.DesiredState;
import io.kgr.model.Labels;
import io.kgr.model.StrimziKinds;
import io.kgr.observe.LiveKube;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Plans the read-only mirrors of a cluster's Strimzi resources (phase {@link Phase#MIRRORS}): each {@code Kafka},
 * {@code KafkaNodePool}, {@code KafkaTopic} and {@code KafkaUser} of Git is published in the cluster's namespace as Git
 * has it, so that {@code kubectl get kafka,knp,kt,ku}, dashboards and GitOps tools see what Git made of the cluster. Pure.
 * A mirror is compared on its spec and on the labels and annotations kgr sets: a {@code kubectl edit} of it is drift,
 * reverted by the next apply. A Strimzi resource that kgr did not make (Strimzi's operator, Argo CD or a person made
 * it) is never changed; mirrors are deleted only when Git no longer has the resource and the source prunes.
 */
final class MirrorPlanner {
    /** Where a mirror comes from. */
    static final String SOURCE = "kgr.io/source";
    static final String FILE = "kgr.io/file";
    /** The commit the mirror was written at (the last commit that changed it). */
    static final String COMMIT = "kgr.io/commit";
    /** Strimzi's operators leave a resource with this annotation alone. */
    static final String PAUSE = "strimzi.io/pause-reconciliation";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Part(List<Step> steps, List<String> notes) {
    }

    private MirrorPlanner() {
    }

    /**
     * @param live the namespace's Strimzi resources; empty when their CRDs are not installed (then nothing is planned)
     */
    static Part plan(DesiredState desired, LiveKube live, PlanHeader header, Policy policy) {
        List<Step> steps = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (live.strimziResources().isEmpty()) {
            if (!desired.declared().isEmpty()) {
                notes.add("kgr cannot read Strimzi's kinds (kafka.strimzi.io) in namespace " + live.namespace() + ": their"
                        + " CRDs are not installed, or kgr's RBAC lacks them; no mirrors of Git's resources are published"
                        + " (install deploy/crds and deploy/overlays/full's RBAC to see them with kubectl get kafka,knp,kt,ku)");
            }
            return new Part(steps, notes);
        }
        SortedMap<String, GenericKubernetesResource> existing = live.strimziResources().get();
        Set<String> wanted = new TreeSet<>();
        List<String> foreign = new ArrayList<>();
        for (DesiredState.Declared d : desired.declared()) {
            String key = d.kind() + "/" + d.name();
            wanted.add(key);
            ObjectNode mirror = mirror(d, desired.cluster(), live.namespace(), header);
            GenericKubernetesResource current = existing.get(key);
            if (current == null) {
                var change = new Change.ApplyKubeObject(d.kind(), d.name(), mirror.toString(), true);
                steps.add(step(change, List.of(), "published as Git has it (" + d.file() + ")"));
                continue;
            }
            if (!mine(current, desired.cluster())) {
                Map<String, String> labels = current.getMetadata().getLabels();
                // a Strimzi resource's name is unique in its namespace: two clusters there need different names
                foreign.add(Labels.managedByKgr(current) && labels != null && labels.get(Labels.CLUSTER) != null
                        ? key + " (cluster " + labels.get(Labels.CLUSTER) + "'s mirror)" : key);
                continue;
            }
            JsonNode have = JSON.valueToTree(current);
            List<FieldChange> diff = differences(mirror, have);
            if (diff.isEmpty()) continue;
            var change = new Change.ApplyKubeObject(d.kind(), d.name(), mirror.toString(), false);
            steps.add(step(change, diff, "the mirror differs from Git (" + d.file() + "): edit Git, not the mirror"));
        }
        if (!foreign.isEmpty()) {
            notes.add(foreign.size() + " Strimzi resource(s) of the same name exist and are not this cluster's mirrors ("
                    + String.join(", ", foreign.subList(0, Math.min(5, foreign.size()))) + (foreign.size() > 5 ? ", …" : "")
                    + "): kgr leaves them as they are and publishes no mirror in their place");
        }
        pruned(existing, wanted, desired.cluster(), header, policy, steps, notes);
        return new Part(steps, notes);
    }

    /** Mirrors of this source whose resource Git no longer has: deleted when the source prunes, else kept and said. */
    private static void pruned(SortedMap<String, GenericKubernetesResource> existing, Set<String> wanted, String cluster,
                               PlanHeader header, Policy policy, List<Step> steps, List<String> notes) {
        List<String> kept = new ArrayList<>();
        existing.forEach((key, r) -> {
            if (wanted.contains(key) || !mine(r, cluster) || !header.source().equals(annotation(r, SOURCE))) return;
            if (!policy.prune() || policy.deleteNothing()) {
                kept.add(key);
                return;
            }
            String kind = key.substring(0, key.indexOf('/'));
            var change = new Change.DeleteKubeObject(kind, r.getMetadata().getName());
            steps.add(new Step(Step.idOf(change), Phase.MIRRORS, change, Risk.SAFE, List.of(),
                    "Git no longer has this " + kind + "; pruning is on (the mirror only: what it stood for is planned"
                            + " above)", List.of()));
        });
        if (!kept.isEmpty()) {
            notes.add(kept.size() + " mirror(s) of resources Git no longer has are kept (pruning is off): "
                    + String.join(", ", kept.subList(0, Math.min(5, kept.size()))) + (kept.size() > 5 ? ", …" : ""));
        }
    }

    private static Step step(Change change, List<FieldChange> fields, String reason) {
        return new Step(Step.idOf(change), Phase.MIRRORS, change, Risk.SAFE, fields, reason, List.of());
    }

    /** A mirror kgr made for this cluster: its label, and the cluster's. */
    static boolean mine(GenericKubernetesResource r, String cluster) {
        Map<String, String> labels = r.getMetadata().getLabels();
        return Labels.managedByKgr(r) && labels != null && cluster.equals(labels.get(Labels.CLUSTER));
    }

    private static String annotation(GenericKubernetesResource r, String key) {
        return r.getMetadata().getAnnotations() == null ? null : r.getMetadata().getAnnotations().get(key);
    }

    /** The mirror of a declared resource: Git's labels, annotations and spec, with kgr's own marks. */
    static ObjectNode mirror(DesiredState.Declared d, String cluster, String namespace, PlanHeader header) {
        ObjectNode out = JSON.createObjectNode();
        out.put("apiVersion", StrimziKinds.API_VERSION);
        out.put("kind", d.kind());
        ObjectNode metadata = out.putObject("metadata");
        metadata.put("name", d.name());
        metadata.put("namespace", namespace);
        ObjectNode labels = metadata.putObject("labels");
        TreeMap<String, String> gitLabels = strings(d.body().path("metadata").path("labels"));
        gitLabels.forEach(labels::put);
        labels.put(Labels.MANAGED_BY, Labels.KGR);
        labels.put(Labels.CLUSTER, cluster);
        ObjectNode annotations = metadata.putObject("annotations");
        strings(d.body().path("metadata").path("annotations")).forEach(annotations::put);
        annotations.put(PAUSE, "true");
        annotations.put(SOURCE, header.source());
        annotations.put(FILE, d.file());
        annotations.put(COMMIT, header.commit());
        JsonNode spec = d.body().path("spec");
        out.set("spec", spec instanceof ObjectNode o ? withoutSecretValues(o.deepCopy()) : JSON.createObjectNode());
        return out;
    }

    /** Strimzi's kinds refer to Secrets by name; a literal password value, were one written, is never published. */
    private static JsonNode withoutSecretValues(ObjectNode spec) {
        JsonNode password = spec.path("authentication").path("password");
        if (password instanceof ObjectNode p) p.remove("value");
        return spec;
    }

    private static TreeMap<String, String> strings(JsonNode node) {
        TreeMap<String, String> out = new TreeMap<>();
        if (node.isObject()) node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    /**
     * What differs between the mirror and the live object: the spec both ways (a field added with kubectl is drift too),
     * and the labels and annotations kgr sets (others' additions stay). The commit annotation alone is no difference:
     * a mirror is rewritten when what it shows changed, not on every commit.
     */
    static List<FieldChange> differences(JsonNode want, JsonNode have) {
        List<FieldChange> out = new ArrayList<>();
        for (String part : List.of("labels", "annotations")) {
            want.path("metadata").path(part).properties().forEach(e -> {
                if (part.equals("annotations") && e.getKey().equals(COMMIT)) return;
                JsonNode h = have.path("metadata").path(part).path(e.getKey());
                if (!e.getValue().equals(h)) {
                    out.add(FieldChange.of("metadata." + part + "." + e.getKey(), h.isMissingNode() ? null : h.asString(),
                            e.getValue().asString()));
                }
            });
        }
        diff("spec", want.path("spec"), have.path("spec"), out);
        return out;
    }

    private static void diff(String path, JsonNode want, JsonNode have, List<FieldChange> out) {
        if (want.isObject() && have.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            want.properties().forEach(e -> keys.add(e.getKey()));
            have.properties().forEach(e -> keys.add(e.getKey()));
            for (String k : keys) diff(path + "." + k, want.path(k), have.path(k), out);
            return;
        }
        if (want.isArray() && have.isArray() && want.size() == have.size()) {
            // element by element: the API server may give a number back as another numeric type
            List<FieldChange> inner = new ArrayList<>();
            for (int i = 0; i < want.size(); i++) diff(path + "[" + i + "]", want.get(i), have.get(i), inner);
            if (!inner.isEmpty()) out.add(FieldChange.of(path, shorten(have), shorten(want)));
            return;
        }
        boolean same = want.equals(have) || (want.isNumber() && have.isNumber() && want.asString().equals(have.asString()));
        if (!same) {
            out.add(FieldChange.of(path, have.isMissingNode() ? null : shorten(have), want.isMissingNode() ? null : shorten(want)));
        }
    }

    private static String shorten(JsonNode n) {
        String s = n.isString() ? n.asString() : n.toString();
        return s.length() > 120 ? s.substring(0, 117) + "…" : s;
    }
}

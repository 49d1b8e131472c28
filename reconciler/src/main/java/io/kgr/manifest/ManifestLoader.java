package io.kgr.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.kgr.source.Snapshot;
import io.kgr.source.SourceFile;
import tools.jackson.databind.JsonNode;

/**
 * Snapshot → manifests: parses every YAML file safely, keeps the documents of the kinds kgr manages, validates each
 * against its JSON Schema, and reports every problem at once.
 */
public final class ManifestLoader {
    static final String STRIMZI_GROUP = "kafka.strimzi.io/";
    /** Strimzi kinds a later kgr version manages; today they are read past with a warning, not an error. */
    private static final Set<String> NOT_YET_MANAGED = Set.of("KafkaConnect", "KafkaConnector", "KafkaMirrorMaker2", "KafkaBridge", "KafkaRebalance");

    private final SafeYaml yaml = new SafeYaml();
    private final SchemaCatalog schemas;

    public ManifestLoader(SchemaCatalog schemas) {
        this.schemas = schemas;
    }

    public Manifests load(Snapshot snapshot) {
        // files are independent: parse and validate them on every core, then keep the snapshot's (path) order
        List<Manifests> perFile = snapshot.files().parallelStream().map(this::load).toList();
        List<Manifest> manifests = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Manifests m : perFile) {
            manifests.addAll(m.manifests());
            diagnostics.addAll(m.diagnostics());
        }
        return new Manifests(manifests, diagnostics);
    }

    private Manifests load(SourceFile file) {
        List<Manifest> manifests = new ArrayList<>();
        SafeYaml.Result parsed = yaml.parse(file.path(), file.text());
        List<Diagnostic> diagnostics = new ArrayList<>(parsed.diagnostics());
        for (SafeYaml.Document doc : parsed.documents()) {
            readDocument(doc, manifests, diagnostics);
        }
        return new Manifests(manifests, diagnostics);
    }

    private void readDocument(SafeYaml.Document doc, List<Manifest> manifests, List<Diagnostic> diagnostics) {
        JsonNode tree = doc.tree();
        if (!tree.isObject()) {
            diagnostics.add(Diagnostic.warning(doc.start(), "", "document is not a mapping; ignored"));
            return;
        }
        String apiVersion = text(tree.get("apiVersion"));
        String kind = text(tree.get("kind"));
        if (apiVersion == null || kind == null) {
            diagnostics.add(Diagnostic.warning(doc.start(), "",
                    "not a Kubernetes manifest (no apiVersion and kind); ignored"));
            return;
        }
        if (!apiVersion.startsWith(STRIMZI_GROUP)) {
            return; // other tools' manifests (kustomizations, namespaces …) may share the repository
        }
        if (!schemas.knows(kind)) {
            String why = NOT_YET_MANAGED.contains(kind) ? "is not managed by this version of kgr yet"
                    : "is not a kind kgr knows";
            diagnostics.add(Diagnostic.warning(doc.positions().of(FieldPath.ROOT.child("kind")), "kind",
                    kind + " " + why + "; ignored"));
            return;
        }
        List<Diagnostic> errors = schemas.validate(kind, doc);
        diagnostics.addAll(errors);
        String name = text(tree.path("metadata").get("name"));
        manifests.add(new Manifest(apiVersion, kind, name == null ? "" : name, tree, doc.positions(), doc.start(),
                errors.isEmpty()));
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() ? node.asString() : null;
    }
}

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
    static final String STRIMZI_CORE_GROUP = "core.strimzi.io/";
    /** Strimzi kinds kgr does not manage: read past with one warning per kind, not an error. */
    private static final Set<String> NOT_MANAGED = Set.of("KafkaConnect", "KafkaConnector", "KafkaMirrorMaker2",
            "KafkaMirrorMaker", "KafkaBridge", "KafkaRebalance", "StrimziPodSet");

    private final SafeYaml yaml = new SafeYaml();
    private final SchemaCatalog schemas;

    public ManifestLoader(SchemaCatalog schemas) {
        this.schemas = schemas;
    }

    public Manifests load(Snapshot snapshot) {
        // files are independent: parse and validate them on every core, then keep the snapshot's (path) order
        List<Manifests> perFile = snapshot.files().parallelStream().map(this::cached).toList();
        // what this snapshot no longer has is forgotten (a long-running service reads one source again and again)
        java.util.Set<String> paths = new java.util.HashSet<>();
        snapshot.files().forEach(f -> paths.add(f.path()));
        cache.keySet().retainAll(paths);
        List<Manifest> manifests = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        java.util.Map<String, List<Diagnostic>> unmanaged = new java.util.TreeMap<>();
        for (Manifests m : perFile) {
            manifests.addAll(m.manifests());
            for (Diagnostic d : m.diagnostics()) {
                if (d.message().startsWith(UNMANAGED)) unmanaged.computeIfAbsent(d.message(), k -> new ArrayList<>()).add(d);
                else diagnostics.add(d);
            }
        }
        // one warning per kind kgr does not manage, where it first appears, with the count
        unmanaged.forEach((message, all) -> {
            Diagnostic first = all.get(0);
            String kind = message.substring(UNMANAGED.length());
            diagnostics.add(new Diagnostic(Diagnostic.Severity.WARNING, first.file(), first.line(), first.column(), "kind",
                    all.size() + " " + kind + " document(s) ignored: kgr does not manage " + kind
                            + " (Strimzi's operators do); kgr plans Kafka, KafkaNodePool, KafkaTopic and KafkaUser"));
        });
        return new Manifests(manifests, diagnostics);
    }

    private static final String UNMANAGED = "not managed: ";

    /** A file read before: its bytes and what they gave (a file's manifests depend on its path and bytes only). */
    private record Read(byte[] content, Manifests result) {
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Read> cache = new java.util.concurrent.ConcurrentHashMap<>();

    /** A file's manifests, parsed again only when its bytes changed since the last load. */
    private Manifests cached(SourceFile file) {
        Read before = cache.get(file.path());
        if (before != null && java.util.Arrays.equals(before.content(), file.content())) return before.result();
        Manifests read = load(file);
        cache.put(file.path(), new Read(file.content(), read));
        return read;
    }

    private Manifests load(SourceFile file) {
        List<Manifest> manifests = new ArrayList<>();
        String text;
        try {
            text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(file.content())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new Manifests(List.of(), List.of(notUtf8(file)));
        }
        SafeYaml.Result parsed = yaml.parse(file.path(), text);
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
        if (!apiVersion.startsWith(STRIMZI_GROUP) && !apiVersion.startsWith(STRIMZI_CORE_GROUP)) {
            return; // other tools' manifests (kustomizations, namespaces …) may share the repository
        }
        if (NOT_MANAGED.contains(kind)) {
            diagnostics.add(Diagnostic.warning(doc.positions().of(FieldPath.ROOT.child("kind")), "kind", UNMANAGED + kind));
            return;
        }
        if (!schemas.knows(kind) || !apiVersion.startsWith(STRIMZI_GROUP)) {
            // a misspelt kind must not make its resource silently vanish from the desired state (and be pruned)
            diagnostics.add(Diagnostic.error(doc.positions().of(FieldPath.ROOT.child("kind")), "kind",
                    "unknown kind '" + kind + "' in " + apiVersion + "; kgr reads Kafka, KafkaNodePool, KafkaTopic and"
                            + " KafkaUser (kafka.strimzi.io), and ignores Strimzi's other kinds"));
            return;
        }
        List<Diagnostic> errors = schemas.validate(kind, doc);
        diagnostics.addAll(errors);
        String name = text(tree.path("metadata").get("name"));
        manifests.add(new Manifest(apiVersion, kind, name == null ? "" : name, tree, doc.positions(), doc.start(),
                errors.isEmpty()));
    }

    /** Where the first byte that is not UTF-8 sits, as line and column (counted in bytes on that line). */
    private static Diagnostic notUtf8(SourceFile file) {
        byte[] b = file.content();
        var decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(b);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(b.length + 1);
        decoder.decode(in, out, true); // stops at the first malformed sequence
        int offset = in.position();
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (b[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Diagnostic(Diagnostic.Severity.ERROR, file.path(), line, offset - lineStart + 1, "",
                "file is not valid UTF-8 (byte 0x" + String.format("%02x", b[Math.min(offset, b.length - 1)] & 0xff)
                        + "); save it as UTF-8");
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() ? node.asString() : null;
    }
}

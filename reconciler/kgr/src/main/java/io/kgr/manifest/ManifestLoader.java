package io.kgr.manifest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
        return load(snapshot, ManifestCache.none());
    }

    /** @param disk where files read by earlier runs are kept (see {@link ManifestCache}) */
    public Manifests load(Snapshot snapshot, ManifestCache disk) {
        Stored stored = disk.enabled() ? stored(disk) : null;
        parsed.set(0);
        restoredFromDisk.set(0);
        Map<String, Read> known = memo(snapshot.files().size());
        // files are independent: parse and validate them on every core, then keep the snapshot's (path) order
        List<Manifests> perFile = snapshot.files().parallelStream().map(f -> cached(f, stored, known)).toList();
        // what this snapshot no longer has is forgotten (a long-running service reads one source again and again);
        // every file of it is in the cache now, so when the sizes match there is nothing else
        if (known.size() != snapshot.files().size()) {
            Set<String> paths = new HashSet<>();
            snapshot.files().forEach(f -> paths.add(f.path()));
            known.keySet().retainAll(paths);
        }
        // every file restored from the disk, and as many as it holds: it holds exactly this snapshot already
        boolean unchanged = stored != null && restoredFromDisk.get() == snapshot.files().size()
                && stored.entries.size() == snapshot.files().size();
        if (stored != null && !unchanged) stored.update(snapshot, known);
        List<Manifest> manifests = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        Map<String, List<Diagnostic>> unmanaged = new TreeMap<>();
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
    /** An item of a {@code kind: List} document gets the index {@code LIST_ITEMS × (document's index + 1) + item}. */
    private static final int LIST_ITEMS = 1_000_000;

    /**
     * A file read before: its bytes and what they gave (a file's manifests depend on its path and bytes only), and how
     * the disk cache keeps it (null: not kept, it gave diagnostics).
     */
    private record Read(byte[] content, Manifests result, ManifestCache.Entry entry) {
    }

    private volatile Map<String, Read> cache = new ConcurrentHashMap<>();

    /** The files read before; made with room for {@code files} when it is empty (10,000 files: no resizing on the way). */
    private Map<String, Read> memo(int files) {
        if (cache.isEmpty()) cache = new ConcurrentHashMap<>(2 * files);
        return cache;
    }

    /** A file's manifests, parsed again only when its bytes changed since the last load (in memory, else on disk). */
    private Manifests cached(SourceFile file, Stored stored, Map<String, Read> cache) {
        Read before = cache.get(file.path());
        if (before != null && Arrays.equals(before.content(), file.content())) return before.result();
        ManifestCache.Entry kept = stored == null ? null : stored.entries.get(file.path());
        if (kept != null && Arrays.equals(kept.content(), file.content())) {
            Manifests restored = restore(file, kept);
            restoredFromDisk.incrementAndGet();
            cache.put(file.path(), new Read(file.content(), restored, kept));
            return restored;
        }
        Manifests read = load(file);
        parsed.incrementAndGet();
        ManifestCache.Entry entry = stored == null || !read.diagnostics().isEmpty() ? null : entry(file.content(), read);
        cache.put(file.path(), new Read(file.content(), read, entry));
        return read;
    }

    private static ManifestCache.Entry entry(byte[] content, Manifests read) {
        List<ManifestCache.Document> documents = new ArrayList<>();
        for (Manifest m : read.manifests()) {
            documents.add(new ManifestCache.Document(m.index(), m.apiVersion(), m.kind(), m.name(), m.body(),
                    m.start().line(), m.start().column()));
        }
        return new ManifestCache.Entry(content, documents);
    }

    /** A cached file's manifests; their positions come from reading the file again, if a diagnostic ever needs one. */
    private Manifests restore(SourceFile file, ManifestCache.Entry kept) {
        List<Manifest> manifests = new ArrayList<>();
        for (ManifestCache.Document d : kept.documents()) {
            Positions positions = Positions.later(file.path(), () -> {
                Manifests again = load(file);
                return again.manifests().stream().filter(m -> m.index() == d.index()).findFirst()
                        .map(Manifest::positions).orElseGet(() -> new Positions(file.path()));
            });
            manifests.add(new Manifest(d.apiVersion(), d.kind(), d.name(), d.body(), positions,
                    new Location(file.path(), d.line(), d.column()), true, d.index()));
        }
        return new Manifests(manifests, List.of());
    }

    /** The entries of one disk cache as last read or written by this loader. */
    private static final class Stored {
        final ManifestCache disk;
        final Map<String, ManifestCache.Entry> entries;

        Stored(ManifestCache disk, Map<String, ManifestCache.Entry> entries) {
            this.disk = disk;
            this.entries = entries;
        }

        /** Writes the snapshot's files back when any differs from what is stored. */
        void update(Snapshot snapshot, Map<String, Read> reads) {
            // the usual case first, without a copy: every file came from this cache (the very same entries)
            int kept = 0;
            boolean same = true;
            for (SourceFile f : snapshot.files()) {
                Read r = reads.get(f.path());
                if (r == null || r.entry() == null) continue;
                kept++;
                ManifestCache.Entry was = entries.get(f.path());
                if (was != r.entry() && (was == null || !Arrays.equals(was.content(), r.entry().content()))) {
                    same = false;
                    break;
                }
            }
            if (same && kept == entries.size()) return;
            Map<String, ManifestCache.Entry> next = new HashMap<>();
            for (SourceFile f : snapshot.files()) {
                Read r = reads.get(f.path());
                if (r != null && r.entry() != null) next.put(f.path(), r.entry());
            }
            disk.write(next);
            entries.clear();
            entries.putAll(next);
        }
    }

    private Stored stored;
    private final AtomicInteger parsed = new AtomicInteger();
    private final AtomicInteger restoredFromDisk = new AtomicInteger();

    /** How many files the last load parsed (the others were known, in memory or on disk). */
    public int parsedByLastLoad() {
        return parsed.get();
    }

    private ManifestCache reading;
    private CompletableFuture<Map<String, ManifestCache.Entry>> read;

    /**
     * Starts reading {@code disk} on another thread, so that a run reads its source meanwhile (a CLI run starts cold:
     * the cache of 10,000 files takes as long to read as the files).
     */
    public synchronized void prefetch(ManifestCache disk) {
        if (!disk.enabled() || (stored != null && stored.disk.equals(disk)) || disk.equals(reading)) return;
        reading = disk;
        read = CompletableFuture.supplyAsync(disk::read);
    }

    private synchronized Stored stored(ManifestCache disk) {
        if (stored == null || !stored.disk.equals(disk)) {
            stored = new Stored(disk, disk.equals(reading) ? read.join() : disk.read());
            reading = null;
            read = null;
        }
        return stored;
    }

    private Manifests load(SourceFile file) {
        List<Manifest> manifests = new ArrayList<>();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(file.content())).toString();
        } catch (CharacterCodingException e) {
            return new Manifests(List.of(), List.of(notUtf8(file)));
        }
        SafeYaml.Result parsed = yaml.parse(file.path(), text);
        List<Diagnostic> diagnostics = new ArrayList<>(parsed.diagnostics());
        for (int i = 0; i < parsed.documents().size(); i++) {
            readDocument(parsed.documents().get(i), i, manifests, diagnostics);
        }
        return new Manifests(manifests, diagnostics);
    }

    private void readDocument(SafeYaml.Document doc, int index, List<Manifest> manifests, List<Diagnostic> diagnostics) {
        JsonNode tree = doc.tree();
        if (!tree.isObject()) {
            diagnostics.add(Diagnostic.warning(doc.start(), "", "document is not a mapping; ignored"));
            return;
        }
        String apiVersion = text(tree.get("apiVersion"));
        String kind = text(tree.get("kind"));
        if ("v1".equals(apiVersion) && "List".equals(kind) && tree.path("items").isArray()) {
            // what kubectl get -o yaml prints: each item is read as a document of its own
            for (int i = 0; i < tree.path("items").size(); i++) {
                Positions positions = doc.positions().under("/items/" + i);
                readDocument(new SafeYaml.Document(tree.path("items").get(i), positions, positions.of(FieldPath.ROOT)),
                        LIST_ITEMS * (index + 1) + i, manifests, diagnostics);
            }
            return;
        }
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
                errors.isEmpty(), index));
    }

    /** Where the first byte that is not UTF-8 sits, as line and column (counted in bytes on that line). */
    private static Diagnostic notUtf8(SourceFile file) {
        byte[] b = file.content();
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        CharBuffer out = CharBuffer.allocate(b.length + 1);
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

package io.kgr.manifest;

import io.kgr.model.Suggestions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;

import tools.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON Schemas of the input kinds (the files in the repository's {@code schemas/} folder, packaged on the class
 * path), and validation of a manifest against its kind's schema.
 */
public final class SchemaCatalog {
    /** Kinds kgr reads, with the schema file that describes each. */
    static final Map<String, String> SCHEMA_FILES = Map.of("KafkaTopic", "kafkatopic.schema.json",
            "KafkaUser", "kafkauser.schema.json", "Kafka", "kafka.schema.json", "KafkaNodePool",
            "kafkanodepool.schema.json", SchemaCatalog.SERVICE_CONFIG, "kgr-config.schema.json");

    /** Not a manifest kind: the configuration of {@code kgr serve}. */
    public static final String SERVICE_CONFIG = "kgr serve configuration";

    /** Loaded when first needed: a run whose manifests all come from {@link ManifestCache} validates nothing. */
    private volatile Map<String, Schema> schemas;

    public SchemaCatalog() {
    }

    private Map<String, Schema> schemas() {
        Map<String, Schema> loaded = schemas;
        if (loaded != null) return loaded;
        synchronized (this) {
            if (schemas == null) {
                SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
                var all = new HashMap<String, Schema>();
                SCHEMA_FILES.forEach((kind, file) -> all.put(kind, load(registry, file)));
                schemas = Map.copyOf(all);
            }
            return schemas;
        }
    }

    private static Schema load(SchemaRegistry registry, String file) {
        try (InputStream in = SchemaCatalog.class.getResourceAsStream("/schemas/" + file)) {
            if (in == null) throw new IllegalStateException("schema " + file + " is not on the class path");
            return registry.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean knows(String kind) {
        return SCHEMA_FILES.containsKey(kind);
    }

    public List<Diagnostic> validate(String kind, SafeYaml.Document document) {
        List<Diagnostic> out = new ArrayList<>();
        for (Error error : schemas().get(kind).validate(document.tree())) {
            FieldPath path = toFieldPath(error.getInstanceLocation());
            String keyword = error.getKeyword();
            Location at;
            if ("additionalProperties".equals(keyword) && error.getProperty() != null) {
                path = path.child(error.getProperty());
                at = document.positions().ofKey(path);
                String hint = Suggestions.closest(error.getProperty(), allowedBeside(kind, error)).map(k -> " (did you mean '"
                        + k + "'?)").orElse("");
                out.add(Diagnostic.error(at, path.toString(), "unknown field '" + error.getProperty() + "'" + hint));
                continue;
            }
            if ("required".equals(keyword) && error.getProperty() != null) {
                at = document.positions().of(path);
                path = path.child(error.getProperty());
                out.add(Diagnostic.error(at, path.toString(), "required field '" + error.getProperty() + "' is missing"));
                continue;
            }
            at = document.positions().of(path);
            if ("enum".equals(keyword)) {
                Optional<String> message = enumMessage(error);
                if (message.isPresent()) {
                    out.add(Diagnostic.error(at, path.toString(), message.get()));
                    continue;
                }
            }
            out.add(Diagnostic.error(at, path.toString(), cleanMessage(error.getMessage())));
        }
        return out;
    }

    /** A value outside an enumeration: the values allowed, and the one meant when it is a near miss ({@code Raed}). */
    private static Optional<String> enumMessage(Error error) {
        JsonNode value = error.getInstanceNode();
        JsonNode schema = error.getSchemaNode();
        JsonNode values = schema == null ? null : schema.isArray() ? schema : schema.path("enum");
        if (value == null || !value.isString() || values == null || !values.isArray()) return Optional.empty();
        List<String> allowed = new ArrayList<>();
        values.forEach(v -> allowed.add(v.asString()));
        String given = value.asString();
        Optional<String> meant = allowed.stream().filter(a -> a.equalsIgnoreCase(given)).findFirst()
                .or(() -> Suggestions.closest(given, allowed));
        return Optional.of("'" + given + "' is not one of " + String.join(", ", allowed)
                + meant.map(m -> " (did you mean '" + m + "'?)").orElse(""));
    }

    /** The raw schema documents, for the fields a schema allows where an unknown one was written. */
    private final Map<String, JsonNode> raw = new ConcurrentHashMap<>();

    /** The fields the schema allows next to an unknown one: the properties of the object schema it was checked by. */
    private Set<String> allowedBeside(String kind, Error error) {
        try {
            String location = error.getSchemaLocation().toString();
            int hash = location.indexOf('#');
            if (hash < 0) return Set.of();
            String pointer = location.substring(hash + 1).replaceFirst("/additionalProperties$", "");
            JsonNode schema = raw.computeIfAbsent(kind, k -> {
                try (InputStream in = SchemaCatalog.class.getResourceAsStream("/schemas/" + SCHEMA_FILES.get(k))) {
                    return JsonMapper.builder().build().readTree(in);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Set<String> out = new TreeSet<>();
            schema.at(pointer).path("properties").properties().forEach(e -> out.add(e.getKey()));
            return out;
        } catch (RuntimeException e) {
            return Set.of(); // no suggestion is better than a failed validation
        }
    }

    private static FieldPath toFieldPath(NodePath location) {
        FieldPath path = FieldPath.ROOT;
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            path = element instanceof Integer idx ? path.index(idx) : path.child(String.valueOf(element));
        }
        return path;
    }

    /** The validator prefixes messages with the instance path, which the diagnostic already shows. */
    private static String cleanMessage(String message) {
        return message.replaceFirst("^\\$[^:]*:\\s*", "").replaceFirst("^/[^:]*:\\s*", "");
    }
}

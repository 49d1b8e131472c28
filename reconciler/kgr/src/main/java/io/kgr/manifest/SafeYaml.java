package io.kgr.manifest;

import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses YAML with hard limits (the input comes from anyone who can push to Git): bounded document size, aliases and
 * nesting, no recursive keys; duplicate keys are errors. Produces JSON trees with the position of every field.
 */
public final class SafeYaml {
    public static final int MAX_FILE_CODE_POINTS = 3 * 1024 * 1024;
    public static final int MAX_ALIASES = 50;
    public static final int MAX_DEPTH = 64;

    /** A parsed document: its tree and its positions; or nothing when the document was empty. */
    public record Document(JsonNode tree, Positions positions, Location start) {
    }

    /** All documents of a file, plus the problems found; a syntax error stops the file at that point. */
    public record Result(List<Document> documents, List<Diagnostic> diagnostics) {
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    public Result parse(String file, String text) {
        if (text.length() > MAX_FILE_CODE_POINTS) {
            return new Result(List.of(), List.of(Diagnostic.error(new Location(file, 1, 1), "",
                    "file is " + text.length() / 1024 + " KiB; kgr reads YAML files of at most "
                            + MAX_FILE_CODE_POINTS / 1024 / 1024 + " MiB")));
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_FILE_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(
                new DumperOptions()), new DumperOptions(), options);
        List<Document> documents = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        try {
            for (Node node : yaml.composeAll(new StringReader(text))) {
                if (node == null) continue;
                Positions positions = new Positions(file);
                Converter converter = new Converter(file, positions, diagnostics);
                JsonNode tree = converter.convert(node, FieldPath.ROOT, 0);
                if (tree == null || tree.isNull()) continue;
                documents.add(new Document(tree, positions, location(file, node.getStartMark())));
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
            diagnostics.add(Diagnostic.error(location(file, mark), "", "YAML syntax error: " + problem.trim() + context));
        } catch (YAMLException e) {
            diagnostics.add(Diagnostic.error(new Location(file, 1, 1), "", "YAML rejected: " + firstLine(e.getMessage())));
        }
        return new Result(documents, diagnostics);
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable YAML";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    static Location location(String file, Mark mark) {
        return mark == null ? new Location(file, 1, 1) : new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** Turns a composed node graph into a JSON tree; anchors/aliases are expanded, merges (<<) applied. */
    private static final class Converter {
        private final String file;
        private final Positions positions;
        private final List<Diagnostic> diagnostics;
        private int expandedNodes;

        Converter(String file, Positions positions, List<Diagnostic> diagnostics) {
            this.file = file;
            this.positions = positions;
            this.diagnostics = diagnostics;
        }

        JsonNode convert(Node node, FieldPath path, int depth) {
            // aliases can make a small file expand to a huge tree ("billion laughs"); bound the expansion too
            if (depth > MAX_DEPTH || ++expandedNodes > 1_000_000) {
                throw new YAMLException("document too deeply nested or too large after alias expansion");
            }
            Mark start = node.getStartMark();
            if (start != null) positions.value(path.pointer(), start.getLine() + 1, start.getColumn() + 1);
            if (node instanceof ScalarNode scalar) return scalar(scalar);
            if (node instanceof SequenceNode seq) {
                ArrayNode array = JSON.arrayNode();
                int i = 0;
                for (Node item : seq.getValue()) {
                    array.add(convert(item, path.index(i++), depth + 1));
                }
                return array;
            }
            MappingNode map = (MappingNode) node;
            ObjectNode object = JSON.objectNode();
            Map<String, Location> seen = new HashMap<>();
            for (NodeTuple tuple : map.getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (keyNode.getTag().equals(Tag.MERGE)) {
                    merge(object, tuple.getValueNode(), path, depth);
                    continue;
                }
                if (!(keyNode instanceof ScalarNode keyScalar)) {
                    diagnostics.add(Diagnostic.error(location(file, keyNode.getStartMark()), path.toString(),
                            "mapping keys must be plain scalars"));
                    continue;
                }
                String key = keyScalar.getValue();
                FieldPath child = path.child(key);
                Location keyAt = location(file, keyNode.getStartMark());
                Location previous = seen.putIfAbsent(key, keyAt);
                if (previous != null) {
                    diagnostics.add(Diagnostic.error(keyAt, child.toString(),
                            "duplicate key '" + key + "' (first defined at line " + previous.line() + ")"));
                    continue;
                }
                positions.key(child.pointer(), keyAt.line(), keyAt.column());
                object.set(key, convert(tuple.getValueNode(), child, depth + 1));
            }
            return object;
        }

        private void merge(ObjectNode into, Node source, FieldPath path, int depth) {
            List<Node> sources = source instanceof SequenceNode seq ? seq.getValue() : List.of(source);
            for (Node s : sources) {
                JsonNode merged = convert(s, path, depth + 1);
                if (merged instanceof ObjectNode obj) {
                    for (var e : obj.properties()) {
                        if (!into.has(e.getKey())) into.set(e.getKey(), e.getValue());
                    }
                }
            }
        }

        private static JsonNode scalar(ScalarNode scalar) {
            String v = scalar.getValue();
            Tag tag = scalar.getTag();
            try {
                if (tag.equals(Tag.NULL)) return JSON.nullNode();
                if (tag.equals(Tag.BOOL)) return JSON.booleanNode(parseBool(v));
                if (tag.equals(Tag.INT)) return integer(v);
                if (tag.equals(Tag.FLOAT)) {
                    String clean = v.replace("_", "");
                    if (clean.matches("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)")) return JSON.stringNode(v);
                    return JSON.numberNode(new BigDecimal(clean));
                }
            } catch (NumberFormatException e) {
                return JSON.stringNode(v);
            }
            return JSON.stringNode(v);
        }

        private static boolean parseBool(String v) {
            String l = v.toLowerCase(Locale.ROOT);
            return l.equals("true") || l.equals("yes") || l.equals("on") || l.equals("y");
        }

        private static JsonNode integer(String v) {
            String clean = v.replace("_", "");
            int sign = 1;
            if (clean.startsWith("-")) {
                sign = -1;
                clean = clean.substring(1);
            } else if (clean.startsWith("+")) {
                clean = clean.substring(1);
            }
            BigInteger value;
            if (clean.startsWith("0x")) value = new BigInteger(clean.substring(2), 16);
            else if (clean.startsWith("0o")) value = new BigInteger(clean.substring(2), 8);
            else if (clean.startsWith("0b")) value = new BigInteger(clean.substring(2), 2);
            else value = new BigInteger(clean);
            if (sign < 0) value = value.negate();
            return value.bitLength() < 63 ? JSON.numberNode(value.longValue()) : JSON.numberNode(value);
        }
    }
}

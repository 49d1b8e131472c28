package io.kgr.embedded;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a real API server does for {@code kubectl get} of a custom resource: answers in a {@code Table} whose columns are
 * the CRD's {@code additionalPrinterColumns} (fabric8's mock server answers with plain objects, and kubectl then shows
 * names only). Understands the JSONPath forms CRDs use: a field path ({@code .spec.partitions},
 * {@code .metadata.labels.strimzi\.io/cluster}) and a filter on a list ({@code .status.conditions[?(@.type=="Ready")].status}).
 */
final class PrinterColumns {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The filter form CRD columns use: {@code ?(@.type=="Ready")}. */
    private static final Pattern FILTER = Pattern.compile("\\?\\(@\\.([\\w.]+)==\"([^\"]*)\"\\)");

    /** A column: its name, type and JSONPath. */
    record Column(String name, String type, String jsonPath, String description) {
    }

    /** Plural → the columns of its CRD's served versions (the same in each of kgr's CRDs). */
    private final Map<String, List<Column>> byPlural = new LinkedHashMap<>();

    /** Reads the columns of a CRD document (JSON). */
    void add(JsonNode crd) {
        String plural = crd.path("spec").path("names").path("plural").asString();
        JsonNode version = crd.path("spec").path("versions").path(0);
        List<Column> columns = new ArrayList<>();
        for (JsonNode c : version.path("additionalPrinterColumns")) {
            columns.add(new Column(c.path("name").asString(), c.path("type").asString(), c.path("jsonPath").asString(),
                    c.path("description").asString("")));
        }
        if (!columns.isEmpty()) byPlural.put(plural, columns);
    }

    /** Whether a request for this path (a custom resource's list or object) has columns to print. */
    boolean covers(String path) {
        return plural(path) != null;
    }

    private String plural(String path) {
        String[] parts = path.split("/");
        // /apis/<group>/<version>/namespaces/<ns>/<plural>[/<name>] or /apis/<group>/<version>/<plural>
        for (String p : parts) if (byPlural.containsKey(p)) return p;
        return null;
    }

    /** The server's answer (an object or a list of them) as a Table. */
    String table(String path, String body, Instant now) {
        List<Column> columns = byPlural.get(plural(path));
        JsonNode answer = JSON.readTree(body);
        ObjectNode table = JSON.createObjectNode();
        table.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        table.putObject("metadata").put("resourceVersion", answer.path("metadata").path("resourceVersion").asString(""));
        ArrayNode definitions = table.putArray("columnDefinitions");
        definitions.addObject().put("name", "Name").put("type", "string").put("format", "name").put("priority", 0)
                .put("description", "Name of the object");
        for (Column c : columns) {
            definitions.addObject().put("name", c.name()).put("type", c.type()).put("format", "").put("priority", 0)
                    .put("description", c.description());
        }
        ArrayNode rows = table.putArray("rows");
        List<JsonNode> items = new ArrayList<>();
        if (answer.has("items")) answer.path("items").forEach(items::add);
        else items.add(answer);
        for (JsonNode item : items) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            cells.add(item.path("metadata").path("name").asString());
            for (Column c : columns) {
                String value = evaluate(item, c.jsonPath());
                if (c.type().equals("date")) cells.add(age(value, now));
                else if (c.type().equals("integer") && value.matches("-?\\d+")) cells.add(Long.parseLong(value));
                else cells.add(value);
            }
            ObjectNode object = row.putObject("object");
            object.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
            object.set("metadata", item.path("metadata"));
        }
        return table.toString();
    }

    /** The value at a CRD column's JSONPath, as the API server prints it ("" when there is none). */
    static String evaluate(JsonNode object, String path) {
        List<JsonNode> current = List.of(object);
        int i = 0;
        while (i < path.length()) {
            char ch = path.charAt(i);
            if (ch == '.') {
                StringBuilder name = new StringBuilder();
                i++;
                while (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[') {
                    if (path.charAt(i) == '\\' && i + 1 < path.length()) i++;
                    name.append(path.charAt(i++));
                }
                List<JsonNode> next = new ArrayList<>();
                for (JsonNode n : current) if (n.has(name.toString())) next.add(n.get(name.toString()));
                current = next;
            } else if (ch == '[') {
                int end = path.indexOf(']', i);
                String filter = path.substring(i + 1, end);
                i = end + 1;
                List<JsonNode> next = new ArrayList<>();
                // [?(@.field=="value")]
                Matcher m = FILTER.matcher(filter);
                boolean matches = m.matches();
                for (JsonNode n : current) {
                    if (!n.isArray()) continue;
                    for (JsonNode e : n) {
                        if (!matches || e.path(m.group(1)).asString("").equals(m.group(2))) next.add(e);
                    }
                }
                current = next;
            } else {
                i++;
            }
        }
        List<String> values = new ArrayList<>();
        for (JsonNode n : current) {
            if (n.isArray()) {
                List<String> inner = new ArrayList<>();
                n.forEach(e -> inner.add(e.isValueNode() ? e.asString() : e.toString()));
                values.add(String.join(",", inner));
            } else {
                values.add(n.isValueNode() ? n.asString() : n.toString());
            }
        }
        return String.join(",", values);
    }

    /** A timestamp as kubectl's AGE column shows it (5m, 2h, 3d). */
    static String age(String timestamp, Instant now) {
        try {
            Duration d = Duration.between(Instant.parse(timestamp), now);
            if (d.isNegative()) d = Duration.ZERO;
            if (d.toDays() > 0) return d.toDays() + "d";
            if (d.toHours() > 0) return d.toHours() + "h";
            if (d.toMinutes() > 0) return d.toMinutes() + "m";
            return d.toSeconds() + "s";
        } catch (DateTimeParseException e) {
            return "<unknown>";
        }
    }
}

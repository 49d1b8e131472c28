package io.kgr.manifest;

import java.util.ArrayList;
import java.util.List;

/**
 * A path to a field inside a document, kept as its elements (property names and array indexes) and shown the way
 * kubectl users read it: {@code spec.config["retention.ms"]}, {@code spec.acls[0].resource}.
 */
public record FieldPath(List<Object> elements) {
    public static final FieldPath ROOT = new FieldPath(List.of());

    public FieldPath {
        elements = List.copyOf(elements);
    }

    public FieldPath child(String name) {
        return with(name);
    }

    public FieldPath index(int i) {
        return with(i);
    }

    private FieldPath with(Object element) {
        var list = new ArrayList<>(elements);
        list.add(element);
        return new FieldPath(list);
    }

    public FieldPath parent() {
        return elements.isEmpty() ? this : new FieldPath(elements.subList(0, elements.size() - 1));
    }

    /** JSON-pointer form, used as the key of the position index. */
    public String pointer() {
        StringBuilder sb = new StringBuilder();
        for (Object e : elements) {
            sb.append('/').append(e.toString().replace("~", "~0").replace("/", "~1"));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Object e : elements) {
            if (e instanceof Integer i) {
                sb.append('[').append(i).append(']');
            } else {
                String name = e.toString();
                if (name.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
                    if (sb.length() > 0) sb.append('.');
                    sb.append(name);
                } else {
                    sb.append("[\"").append(name.replace("\"", "\\\"")).append("\"]");
                }
            }
        }
        return sb.toString();
    }
}

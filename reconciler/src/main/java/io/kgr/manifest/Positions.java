package io.kgr.manifest;

import java.util.HashMap;
import java.util.Map;

/** Where each value (and each mapping key) of one YAML document starts, by JSON pointer. */
public final class Positions {
    private final String file;
    private final Map<String, int[]> values = new HashMap<>();
    private final Map<String, int[]> keys = new HashMap<>();

    Positions(String file) {
        this.file = file;
    }

    void value(String pointer, int line, int column) {
        values.put(pointer, new int[] {line, column});
    }

    void key(String pointer, int line, int column) {
        keys.put(pointer, new int[] {line, column});
    }

    public String file() {
        return file;
    }

    /** The position of the value at {@code path}, or of its nearest ancestor that exists. */
    public Location of(FieldPath path) {
        FieldPath p = path;
        while (true) {
            int[] at = values.get(p.pointer());
            if (at != null) return new Location(file, at[0], at[1]);
            if (p.elements().isEmpty()) return new Location(file, 1, 1);
            p = p.parent();
        }
    }

    /** The position of the key naming {@code path} (for "unknown field" errors), else of the value. */
    public Location ofKey(FieldPath path) {
        int[] at = keys.get(path.pointer());
        return at != null ? new Location(file, at[0], at[1]) : of(path);
    }
}

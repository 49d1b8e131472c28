package io.kgr.manifest;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Where each value (and each mapping key) of one YAML document starts, by JSON pointer. */
public final class Positions {
    private final String file;
    private final Map<String, int[]> values = new HashMap<>();
    private final Map<String, int[]> keys = new HashMap<>();
    /** Where the positions come from when they are not known yet (a document read from {@link ManifestCache}). */
    private volatile Supplier<Positions> later;

    Positions(String file) {
        this.file = file;
    }

    /** Positions found only when first asked for, by {@code parse} (which reads the file again). */
    static Positions later(String file, Supplier<Positions> parse) {
        Positions p = new Positions(file);
        p.later = parse;
        return p;
    }

    private void known() {
        if (later == null) return;
        synchronized (this) {
            if (later == null) return;
            Positions parsed = later.get();
            values.putAll(parsed.values);
            keys.putAll(parsed.keys);
            later = null;
        }
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
        known();
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
        known();
        int[] at = keys.get(path.pointer());
        return at != null ? new Location(file, at[0], at[1]) : of(path);
    }
}

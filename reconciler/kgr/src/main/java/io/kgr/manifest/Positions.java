package io.kgr.manifest;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Where each value (and each mapping key) of one YAML document starts, by JSON pointer. */
public final class Positions {
    private final String file;
    private final Map<String, int[]> values;
    private final Map<String, int[]> keys;
    /** The pointer of the value these positions describe inside their document ("" for the document itself). */
    private final String prefix;
    /** The positions of the whole document, when these are a part's ({@link #under}). */
    private final Positions whole;
    /** Where the positions come from when they are not known yet (a document read from {@link ManifestCache}). */
    private volatile Supplier<Positions> later;

    Positions(String file) {
        this.file = file;
        this.values = new HashMap<>();
        this.keys = new HashMap<>();
        this.prefix = "";
        this.whole = null;
    }

    private Positions(Positions whole, String prefix) {
        this.file = whole.file;
        this.values = whole.values;
        this.keys = whole.keys;
        this.prefix = prefix;
        this.whole = whole;
    }

    /** The positions of the value at {@code pointer} (an item of a {@code kind: List}), as a document of its own. */
    Positions under(String pointer) {
        return new Positions(whole == null ? this : whole, prefix + pointer);
    }

    /** Positions found only when first asked for, by {@code parse} (which reads the file again). */
    static Positions later(String file, Supplier<Positions> parse) {
        Positions p = new Positions(file);
        p.later = parse;
        return p;
    }

    private void known() {
        if (whole != null) {
            whole.known();
            return;
        }
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
            int[] at = values.get(prefix + p.pointer());
            if (at != null) return new Location(file, at[0], at[1]);
            if (p.elements().isEmpty()) return prefix.isEmpty() ? new Location(file, 1, 1) : whole.of(FieldPath.ROOT);
            p = p.parent();
        }
    }

    /** The position of the key naming {@code path} (for "unknown field" errors), else of the value. */
    public Location ofKey(FieldPath path) {
        known();
        int[] at = keys.get(prefix + path.pointer());
        return at != null ? new Location(file, at[0], at[1]) : of(path);
    }
}

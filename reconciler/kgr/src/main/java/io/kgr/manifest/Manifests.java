package io.kgr.manifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The result of loading a snapshot: the manifests found and every diagnostic (errors and warnings). */
public final class Manifests {
    private final List<Manifest> manifests;
    private final List<Diagnostic> diagnostics;
    /**
     * Each kind's manifests in file order, made the first time a kind is asked for: the stages ask eight times a build
     * (one pass over 10,000 manifests, not eight), and the loader's per-file results are never asked.
     */
    private volatile Map<String, List<Manifest>> byKind;

    public Manifests(List<Manifest> manifests, List<Diagnostic> diagnostics) {
        this.manifests = List.copyOf(manifests);
        this.diagnostics = diagnostics.isEmpty() ? List.of() : diagnostics.stream().sorted(Diagnostic.ORDER).toList();
    }

    public List<Manifest> manifests() {
        return manifests;
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    public List<Manifest> ofKind(String kind) {
        Map<String, List<Manifest>> kinds = byKind;
        if (kinds == null) {
            Map<String, List<Manifest>> made = new HashMap<>();
            for (Manifest m : manifests) made.computeIfAbsent(m.kind(), k -> new ArrayList<>()).add(m);
            made.replaceAll((k, list) -> List.copyOf(list));
            byKind = kinds = Map.copyOf(made); // made the same by any thread that gets here first
        }
        return kinds.getOrDefault(kind, List.of());
    }
}

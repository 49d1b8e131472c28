package io.kgr.manifest;

import java.util.List;

/** The result of loading a snapshot: the manifests found and every diagnostic (errors and warnings). */
public record Manifests(List<Manifest> manifests, List<Diagnostic> diagnostics) {
    public Manifests {
        manifests = List.copyOf(manifests);
        diagnostics = diagnostics.stream().sorted(Diagnostic.ORDER).toList();
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    public List<Manifest> ofKind(String kind) {
        return manifests.stream().filter(m -> m.kind().equals(kind)).toList();
    }
}

package io.kgr.source;

/** Which files of a repository are manifests: YAML files outside hidden folders. */
final class ManifestFiles {
    private ManifestFiles() {
    }

    static boolean isManifest(String relativePath) {
        String lower = relativePath.toLowerCase(java.util.Locale.ROOT);
        if (!(lower.endsWith(".yaml") || lower.endsWith(".yml"))) return false;
        for (String part : relativePath.split("/")) {
            if (part.startsWith(".")) return false;
        }
        return true;
    }

    /** True when {@code file} lies under {@code prefix} (a normalised sub-path, "" meaning everything). */
    static boolean under(String file, String prefix) {
        return prefix.isEmpty() || file.equals(prefix) || file.startsWith(prefix + "/");
    }
}

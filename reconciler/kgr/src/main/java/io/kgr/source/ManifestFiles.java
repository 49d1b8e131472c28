package io.kgr.source;

/** Which files of a repository are manifests: YAML files outside hidden folders. */
final class ManifestFiles {
    private ManifestFiles() {
    }

    static boolean isManifest(String relativePath) {
        if (!(endsWithIgnoringCase(relativePath, ".yaml") || endsWithIgnoringCase(relativePath, ".yml"))) return false;
        return !relativePath.startsWith(".") && !relativePath.contains("/."); // no part of the path is hidden
    }

    private static boolean endsWithIgnoringCase(String s, String suffix) {
        return s.regionMatches(true, s.length() - suffix.length(), suffix, 0, suffix.length());
    }

    /** True when {@code file} lies under {@code prefix} (a normalised sub-path, "" meaning everything). */
    static boolean under(String file, String prefix) {
        return prefix.isEmpty() || file.equals(prefix) || file.startsWith(prefix + "/");
    }
}

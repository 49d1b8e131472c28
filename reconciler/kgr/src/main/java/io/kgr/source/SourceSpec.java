package io.kgr.source;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where to read manifests from.
 *
 * @param location  a plain directory, a local Git repository (bare or not), or a file:// / https:// / ssh URL
 * @param ref       branch, tag or commit; empty means HEAD (the remote's default branch)
 * @param path      sub-path inside the repository to read ("" for all)
 * @param cacheDir  where bare mirrors of remote repositories are kept
 * @param token     an HTTPS token, never logged
 * @param ssh       for ssh URLs: the private key and the known_hosts file the server's key is checked against
 */
public record SourceSpec(String location, Optional<String> ref, String path, Path cacheDir, Optional<Secret> token,
                         Optional<SshAuth> ssh) {

    /** SSH authentication: a private key file, and the known_hosts file that must list the server's host key. */
    public record SshAuth(Path privateKey, Path knownHosts) {
    }

    public SourceSpec(String location, Optional<String> ref, String path, Path cacheDir, Optional<Secret> token) {
        this(location, ref, path, cacheDir, token, Optional.empty());
    }

    /** A value that must never be printed; toString hides it. */
    public record Secret(String value) {
        @Override
        public String toString() {
            return "(sensitive)";
        }
    }

    public SourceSpec {
        path = normalisePath(path);
    }

    static String normalisePath(String path) {
        if (path == null) return "";
        String p = path.replace('\\', '/');
        while (p.startsWith("./")) p = p.substring(2);
        while (p.startsWith("/")) p = p.substring(1);
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p.equals(".") ? "" : p;
    }
}

package io.kgr.source;

import java.util.List;

/**
 * What a source said at one moment: where it came from, the revision (a Git commit id, or a content hash for a plain
 * directory) and the files under the selected path, sorted by path.
 */
public record Snapshot(String location, String ref, String revision, List<SourceFile> files, String message) {
    public Snapshot {
        files = List.copyOf(files);
    }

    /** A snapshot without a commit message (a plain directory, or files given directly). */
    public Snapshot(String location, String ref, String revision, List<SourceFile> files) {
        this(location, ref, revision, files, "");
    }

    /** A short form of the revision for humans (7 characters, as git prints it). */
    public String shortRevision() {
        return revision.startsWith("dir:") || revision.length() <= 7 ? revision : revision.substring(0, 7);
    }
}

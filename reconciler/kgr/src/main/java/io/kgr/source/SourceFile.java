package io.kgr.source;

import java.nio.charset.StandardCharsets;

/** One file of a snapshot: its path relative to the snapshot root (always '/'-separated) and its bytes. */
public record SourceFile(String path, byte[] content) {
    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}

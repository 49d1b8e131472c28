package io.kgr.source;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One file of a snapshot: its path relative to the snapshot root (always '/'-separated), its bytes, and the SHA-256 of
 * those bytes when the reader already computed it (null: {@link #digest} computes it when asked).
 */
public record SourceFile(String path, byte[] content, byte[] sha256) {
    public SourceFile(String path, byte[] content) {
        this(path, content, null);
    }

    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** The SHA-256 of the bytes. */
    public byte[] digest() {
        return sha256 != null ? sha256 : sha256(content);
    }

    static byte[] sha256(byte[] bytes) {
        return SHA256.get().digest(bytes); // digest() leaves it reset for the next file
    }

    /** One digest a thread: looking one up for each of 10,000 files cost as much as hashing them. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
}

package io.kgr.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A secret value (a password). It never prints: toString, logs and renderers show "(sensitive)".
 *
 * <p>{@link #version()} says which version of its source the value was read from — a file's identity and change
 * time, a Kubernetes Secret's uid and resourceVersion — or is empty when no such stamp is sound (environment
 * variables, generated values, a file written a moment ago). It is metadata of the source, nothing derived from the
 * value: two reads with the same non-empty version read the same value.
 */
public final class Secret {
    private final char[] value;
    private final String version;

    public Secret(String value) {
        this(value, "");
    }

    public Secret(String value, String version) {
        this.value = value.toCharArray();
        this.version = version == null ? "" : version;
    }

    /** The clear value, for the one place that needs it (the Admin call that sets a credential). */
    public String reveal() {
        return new String(value);
    }

    /** The version of the source this value was read from; empty when unknown. */
    public String version() {
        return version;
    }

    @Override
    public String toString() {
        return "(sensitive)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(
                new String(value).getBytes(StandardCharsets.UTF_8),
                new String(s.value).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }
}

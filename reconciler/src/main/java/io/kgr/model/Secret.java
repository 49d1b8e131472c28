package io.kgr.model;

import java.util.Arrays;

/** A secret value (a password). It never prints: toString, logs and renderers show "(sensitive)". */
public final class Secret {
    private final char[] value;

    public Secret(String value) {
        this.value = value.toCharArray();
    }

    /** The clear value, for the one place that needs it (the Admin call that sets a credential). */
    public String reveal() {
        return new String(value);
    }

    @Override
    public String toString() {
        return "(sensitive)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && java.security.MessageDigest.isEqual(
                new String(value).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                new String(s.value).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }
}

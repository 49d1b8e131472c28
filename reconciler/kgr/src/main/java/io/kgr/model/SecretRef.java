package io.kgr.model;

/** Where a secret comes from: a key of a named Secret (Strimzi's {@code secretKeyRef}). Holds no value. */
public record SecretRef(String name, String key) {
    @Override
    public String toString() {
        return "secret " + name + "/" + key;
    }
}

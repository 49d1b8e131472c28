package io.kgr.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import io.kgr.model.Secret;

/**
 * The salted hash of an applied password that the inventory keeps: PBKDF2-HMAC-SHA256 with 4096 iterations (the
 * strength of Kafka's own SCRAM credentials). The salt is derived from cluster and user, so plans stay deterministic;
 * it only has to be unique, not secret.
 */
public final class PasswordHash {
    static final int ITERATIONS = 4096;
    private static final int REMEMBERED = 100_000;

    /**
     * PBKDF2 is slow on purpose (≈ 2–8 ms a user); a service plans the same passwords every few minutes. Results are
     * remembered in memory only, keyed by a SHA-256 of salt and password, so a changed password is hashed afresh.
     */
    private static final java.util.Map<String, String> REMEMBERED_HASHES = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, String> eldest) {
                    return size() > REMEMBERED;
                }
            });

    private PasswordHash() {
    }

    public static String of(Secret password, String cluster, String user) {
        byte[] salt = Arrays.copyOf(sha256(("kgr/" + cluster + "/" + user).getBytes(StandardCharsets.UTF_8)), 16);
        byte[] secret = password.reveal().getBytes(StandardCharsets.UTF_8);
        byte[] keyInput = Arrays.copyOf(salt, salt.length + secret.length);
        System.arraycopy(secret, 0, keyInput, salt.length, secret.length);
        String key = Base64.getEncoder().encodeToString(sha256(keyInput));
        String known = REMEMBERED_HASHES.get(key);
        if (known != null) return known;
        String hash = format(salt, ITERATIONS, pbkdf2(password, salt, ITERATIONS));
        REMEMBERED_HASHES.put(key, hash);
        return hash;
    }

    /** True when {@code hash} (as stored) is the hash of {@code password}; false for empty or foreign formats. */
    public static boolean matches(String hash, Secret password) {
        String[] parts = hash == null ? new String[0] : hash.split(":");
        if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) return false;
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        int iterations = Integer.parseInt(parts[1]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations));
    }

    private static String format(byte[] salt, int iterations, byte[] hash) {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "pbkdf2-sha256:" + iterations + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(hash);
    }

    private static byte[] pbkdf2(Secret password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.reveal().toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

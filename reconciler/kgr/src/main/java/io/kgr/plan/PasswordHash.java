package io.kgr.plan;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import io.kgr.model.Secret;

/**
 * How kgr knows a password changed without keeping it. The inventory holds, per user, PBKDF2-HMAC-SHA256 (4096
 * iterations, the strength of Kafka's own SCRAM credentials) of the applied password with a random salt of its own;
 * nothing of it ever goes into a plan. A plan pins the password it was made with by an HMAC keyed with the source's
 * secret inventory key, which is not in the plan either: a plan alone gives nothing to guess a password from offline.
 *
 * <p>The stored record also names the version of the Secret the password was read from ({@link Secret#version()}:
 * a file's inode and change time, a Kubernetes Secret's uid and resourceVersion). While the Secret is still at that
 * version the password is the hashed one, and no PBKDF2 is needed to know it: every write to the Secret changes its
 * version, and then the hash decides as before. The version is metadata, not derived from the password.
 */
public final class PasswordHash {
    static final int ITERATIONS = 4096;
    private static final int REMEMBERED = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * PBKDF2 is slow on purpose (≈ 2–8 ms a user); a service plans the same passwords every few minutes. Whether a
     * stored hash matches a password is remembered in this JVM's memory only, keyed by a SHA-256 of both.
     */
    private static final Map<String, Boolean> REMEMBERED_MATCHES = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            });

    private PasswordHash() {
    }

    /** A new hash of {@code password} with a fresh random salt, for the inventory. */
    public static String fresh(Secret password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return format(salt, ITERATIONS, pbkdf2(password, salt, ITERATIONS), password.version());
    }

    /** True when {@code hash} (as stored) is the hash of {@code password}; false for empty or foreign formats. */
    public static boolean matches(String hash, Secret password) {
        String[] parts = hash == null ? new String[0] : hash.split(":");
        if (parts.length < 4 || parts.length > 5 || !parts[0].equals("pbkdf2-sha256")) return false;
        if (parts.length == 5 && !password.version().isEmpty() && parts[4].equals(encodeVersion(password.version()))) {
            return true; // the Secret was not written since this hash was made from it
        }
        String key = Base64.getEncoder().encodeToString(sha256((hash + "\0" + password.reveal()).getBytes(StandardCharsets.UTF_8)));
        Boolean known = REMEMBERED_MATCHES.get(key);
        if (known != null) return known;
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        int iterations = Integer.parseInt(parts[1]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        boolean same = MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations));
        REMEMBERED_MATCHES.put(key, same);
        return same;
    }

    /** A new secret key for a source's inventory (base64, 256 bits). */
    public static String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static String format(byte[] salt, int iterations, byte[] hash, String version) {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        String record = "pbkdf2-sha256:" + iterations + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(hash);
        return version.isEmpty() ? record : record + ":" + encodeVersion(version);
    }

    private static String encodeVersion(String version) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(version.getBytes(StandardCharsets.UTF_8));
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

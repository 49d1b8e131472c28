package io.kgr.apply;

import java.security.SecureRandom;

import io.kgr.model.Secret;

/** Passwords kgr generates for users whose manifest names none: 32 letters and digits from a SecureRandom. */
final class GeneratedPassword {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private GeneratedPassword() {
    }

    static Secret next() {
        StringBuilder sb = new StringBuilder(32);
        for (int i = 0; i < 32; i++) sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        return new Secret(sb.toString());
    }
}

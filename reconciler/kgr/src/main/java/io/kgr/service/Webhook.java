package io.kgr.service;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a Git push notification. Accepted: GitHub ({@code X-Hub-Signature-256: sha256=<hmac>}), GitLab
 * ({@code X-Gitlab-Token: <secret>}) and generic senders ({@code X-Signature: sha256=<hmac>}); the HMAC is SHA-256 of
 * the raw body keyed with the shared secret. Every comparison is constant-time.
 */
final class Webhook {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What to answer; {@code trigger} is true only for a valid push to the watched ref. */
    record Verdict(int status, String message, boolean trigger) {
        static Verdict refuse(int status, String message) {
            return new Verdict(status, message, false);
        }
    }

    private Webhook() {
    }

    /**
     * @param headers  request headers, looked up case-insensitively
     * @param body     the raw body (already size-limited by the caller)
     * @param secret   the shared secret
     * @param watched  the ref the source follows; empty follows the repository's default branch
     */
    static Verdict check(Function<String, Optional<String>> headers, byte[] body, byte[] secret, Optional<String> watched) {
        Optional<String> github = headers.apply("X-Hub-Signature-256");
        Optional<String> generic = headers.apply("X-Signature");
        Optional<String> gitlab = headers.apply("X-Gitlab-Token");
        boolean valid;
        if (github.isPresent()) valid = hmacMatches(github.get(), body, secret);
        else if (generic.isPresent()) valid = hmacMatches(generic.get(), body, secret);
        else if (gitlab.isPresent()) valid = MessageDigest.isEqual(gitlab.get().getBytes(StandardCharsets.UTF_8), secret);
        else return Verdict.refuse(401, "unsigned: send X-Hub-Signature-256, X-Gitlab-Token or X-Signature");
        if (!valid) return Verdict.refuse(401, "signature does not match");

        String event = headers.apply("X-GitHub-Event").or(() -> headers.apply("X-Gitlab-Event")).orElse("push")
                .toLowerCase(Locale.ROOT);
        if (event.equals("ping")) return new Verdict(200, "pong", false);
        if (!event.equals("push") && !event.equals("push hook") && !event.equals("tag push hook")) {
            return Verdict.refuse(422, "event '" + event + "' is not a push; nothing to do");
        }
        JsonNode payload;
        try {
            payload = parse(body, headers.apply("Content-Type").orElse(""));
        } catch (RuntimeException e) {
            return Verdict.refuse(400, "body is not a JSON push event");
        }
        String ref = payload.path("ref").asString("");
        if (ref.isEmpty()) return new Verdict(202, "push accepted (no ref given)", true);
        if (!follows(watched, ref, defaultBranch(payload))) {
            return Verdict.refuse(422, "push to " + ref + " ignored: this source follows "
                    + watched.orElse("the default branch"));
        }
        return new Verdict(202, "push to " + ref + " accepted", true);
    }

    static boolean follows(Optional<String> watched, String pushed, Optional<String> defaultBranch) {
        if (watched.isEmpty()) {
            return defaultBranch.map(b -> pushed.equals("refs/heads/" + b)).orElse(true);
        }
        String w = watched.get();
        return pushed.equals(w) || pushed.equals("refs/heads/" + w) || pushed.equals("refs/tags/" + w);
    }

    private static Optional<String> defaultBranch(JsonNode payload) {
        String b = payload.path("repository").path("default_branch").asString("");
        if (b.isEmpty()) b = payload.path("project").path("default_branch").asString("");
        return b.isEmpty() ? Optional.empty() : Optional.of(b);
    }

    /** GitHub can send the event form-encoded ({@code payload=<json>}); the signature covers the raw body either way. */
    private static JsonNode parse(byte[] body, String contentType) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (contentType.startsWith("application/x-www-form-urlencoded")) {
            for (String pair : text.split("&")) {
                if (pair.startsWith("payload=")) {
                    text = URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8);
                }
            }
        }
        if (text.isBlank()) return JSON.createObjectNode();
        return JSON.readTree(text);
    }

    private static boolean hmacMatches(String header, byte[] body, byte[] secret) {
        String value = header.trim();
        if (!value.startsWith("sha256=")) return false;
        byte[] given;
        try {
            given = HexFormat.of().parseHex(value.substring("sha256=".length()).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, body), given);
    }

    static byte[] hmac(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header value a sender puts on {@code body}: {@code sha256=<hex>}. */
    static String signature(byte[] secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac(secret, body));
    }
}

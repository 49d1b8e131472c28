package io.kgr.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class WebhookTest {
    private static final byte[] SECRET = "s3cret-hook".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PUSH_MAIN = """
            {"ref":"refs/heads/main","after":"abc","repository":{"default_branch":"main"}}""".getBytes(StandardCharsets.UTF_8);

    private static Webhook.Verdict check(Map<String, String> headers, byte[] body, Optional<String> watched) {
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        return Webhook.check(name -> Optional.ofNullable(h.get(name)), body, SECRET, watched);
    }

    @Test
    void githubSignedPushToTheWatchedBranchTriggers() {
        var v = check(Map.of("X-Hub-Signature-256", Webhook.signature(SECRET, PUSH_MAIN), "X-GitHub-Event", "push"),
                PUSH_MAIN, Optional.of("main"));
        assertThat(v.trigger()).isTrue();
        assertThat(v.status()).isEqualTo(202);
    }

    @Test
    void unsignedOrForgedIs401AndTriggersNothing() {
        assertThat(check(Map.of(), PUSH_MAIN, Optional.of("main"))).satisfies(v -> {
            assertThat(v.status()).isEqualTo(401);
            assertThat(v.trigger()).isFalse();
        });
        byte[] otherKey = "guess".getBytes(StandardCharsets.UTF_8);
        assertThat(check(Map.of("X-Hub-Signature-256", Webhook.signature(otherKey, PUSH_MAIN)), PUSH_MAIN, Optional.of("main")))
                .satisfies(v -> assertThat(v.status()).isEqualTo(401));
        // a valid signature of another body: the body was changed on the way
        byte[] tampered = new String(PUSH_MAIN, StandardCharsets.UTF_8).replace("abc", "abd").getBytes(StandardCharsets.UTF_8);
        assertThat(check(Map.of("X-Hub-Signature-256", Webhook.signature(SECRET, PUSH_MAIN)), tampered, Optional.of("main")))
                .satisfies(v -> assertThat(v.status()).isEqualTo(401));
        assertThat(check(Map.of("X-Hub-Signature-256", "sha256=zz"), PUSH_MAIN, Optional.of("main")).status()).isEqualTo(401);
        assertThat(check(Map.of("X-Hub-Signature-256", "sha1=00"), PUSH_MAIN, Optional.of("main")).status()).isEqualTo(401);
    }

    @Test
    void gitlabTokenAndGenericSignature() {
        assertThat(check(Map.of("X-Gitlab-Token", "s3cret-hook", "X-Gitlab-Event", "Push Hook"), PUSH_MAIN,
                Optional.of("main")).trigger()).isTrue();
        assertThat(check(Map.of("X-Gitlab-Token", "s3cret-hoo"), PUSH_MAIN, Optional.of("main")).status()).isEqualTo(401);
        assertThat(check(Map.of("X-Signature", Webhook.signature(SECRET, PUSH_MAIN)), PUSH_MAIN, Optional.of("main"))
                .trigger()).isTrue();
    }

    @Test
    void pushToAnotherRefIsRefusedAndPingIsAnswered() {
        byte[] dev = "{\"ref\":\"refs/heads/dev\"}".getBytes(StandardCharsets.UTF_8);
        var v = check(Map.of("X-Hub-Signature-256", Webhook.signature(SECRET, dev)), dev, Optional.of("main"));
        assertThat(v.trigger()).isFalse();
        assertThat(v.status()).isEqualTo(422);
        assertThat(v.message()).contains("refs/heads/dev");
        byte[] ping = "{\"zen\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        var p = check(Map.of("X-Hub-Signature-256", Webhook.signature(SECRET, ping), "X-GitHub-Event", "ping"), ping, Optional.empty());
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.trigger()).isFalse();
    }

    @Test
    void withoutARefTheDefaultBranchIsFollowed() {
        assertThat(Webhook.follows(Optional.empty(), "refs/heads/main", Optional.of("main"))).isTrue();
        assertThat(Webhook.follows(Optional.empty(), "refs/heads/feature", Optional.of("main"))).isFalse();
        assertThat(Webhook.follows(Optional.of("v1.2"), "refs/tags/v1.2", Optional.empty())).isTrue();
        assertThat(Webhook.follows(Optional.of("refs/heads/main"), "refs/heads/main", Optional.empty())).isTrue();
    }
}

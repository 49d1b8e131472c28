package io.kgr.desired;

import io.kgr.model.Labels;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kgr.model.SecretRef;

/**
 * Secrets of one Kubernetes namespace: where {@code secretKeyRef}s are read on a Kubernetes target, and where kgr
 * stores the passwords it generates (a Secret named after the user, keys {@code password} and
 * {@code sasl.jaas.config}, labelled as managed by kgr). kgr only ever changes or deletes Secrets it labelled.
 */
public final class KubernetesSecrets {
    public static final String MANAGED_BY = Labels.MANAGED_BY;

    private final KubernetesClient client;
    private final String namespace;

    public KubernetesSecrets(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public String namespace() {
        return namespace;
    }

    /** Whether a Secret of that name exists that kgr did not create (kgr then must not generate into it). */
    boolean foreign(String name) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        return secret != null && !managed(secret);
    }

    Optional<io.kgr.model.Secret> read(SecretRef ref) {
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.name()).get();
        if (secret == null) return Optional.empty();
        // any write to a Secret gives it a new resourceVersion, a Secret deleted and made again has a new uid, and a
        // reference that moves to another key of the same Secret reads another value: all three are in the version
        String version = secret.getMetadata().getUid() == null || secret.getMetadata().getResourceVersion() == null ? ""
                : "kubernetes:" + secret.getMetadata().getUid() + ":" + secret.getMetadata().getResourceVersion() + ":" + ref.key();
        if (secret.getStringData() != null && secret.getStringData().containsKey(ref.key())) {
            return Optional.of(new io.kgr.model.Secret(secret.getStringData().get(ref.key()), version));
        }
        if (secret.getData() == null || !secret.getData().containsKey(ref.key())) return Optional.empty();
        return Optional.of(new io.kgr.model.Secret(new String(Base64.getDecoder().decode(secret.getData().get(ref.key())),
                StandardCharsets.UTF_8), version));
    }

    /** Stores a generated password; refuses to overwrite a Secret that kgr did not create. */
    void writeGenerated(String user, io.kgr.model.Secret password, String mechanism) {
        Secret existing = client.secrets().inNamespace(namespace).withName(user).get();
        if (existing != null && !managed(existing)) {
            throw new IllegalStateException("Secret " + namespace + "/" + user + " exists and was not created by kgr");
        }
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password.reveal() + "\";";
        Secret secret = new SecretBuilder().withNewMetadata().withName(user).withNamespace(namespace)
                .withLabels(Map.of(MANAGED_BY, "kgr", "kgr.io/user", user, "kgr.io/mechanism", mechanism.toLowerCase()))
                .endMetadata().withType("Opaque")
                .withData(Map.of("password", b64(password.reveal()), "sasl.jaas.config", b64(jaas))).build();
        if (existing == null) client.secrets().inNamespace(namespace).resource(secret).create();
        else client.secrets().inNamespace(namespace).resource(secret).update();
    }

    /** Deletes the user's generated Secret, if kgr created it. */
    void deleteGenerated(String user) {
        Secret existing = client.secrets().inNamespace(namespace).withName(user).get();
        if (existing != null && managed(existing)) client.secrets().inNamespace(namespace).withName(user).delete();
    }

    private static boolean managed(Secret s) {
        return s.getMetadata().getLabels() != null && "kgr".equals(s.getMetadata().getLabels().get(MANAGED_BY));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}

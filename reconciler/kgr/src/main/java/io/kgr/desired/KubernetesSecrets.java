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
 * Secrets of one Kubernetes namespace, as the desired state reads them: {@code secretKeyRef}s on a Kubernetes target,
 * and whether a user's generated-password Secret would land in one kgr did not make. The apply writes them
 * ({@code apply.GeneratedSecrets}); kgr only ever changes or deletes Secrets it labelled.
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
        return secret != null && !Labels.managedByKgr(secret);
    }

    /** Whether the Secret is a KafkaUser's that Strimzi's User Operator generated (labels strimzi.io/kind, cluster). */
    boolean madeByStrimzi(String name) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        Map<String, String> labels = secret == null || secret.getMetadata().getLabels() == null ? Map.of()
                : secret.getMetadata().getLabels();
        return "KafkaUser".equals(labels.get("strimzi.io/kind")) && labels.containsKey(Labels.CLUSTER);
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

    /** The namespace's client, for the apply's writes of generated-password Secrets ({@code apply.GeneratedSecrets}). */
    public KubernetesClient client() {
        return client;
    }


}

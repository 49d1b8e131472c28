package io.kgr.apply;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kgr.model.Labels;

/**
 * The Secrets of the passwords kgr generates (named after the user, keys {@code password} and {@code sasl.jaas.config},
 * labelled as managed by kgr): written and deleted by the apply, never one kgr did not make.
 */
final class GeneratedSecrets {
    private GeneratedSecrets() {
    }

    /** Stores a generated password; refuses to overwrite a Secret that kgr did not create. */
    static void write(KubernetesClient client, String namespace, String user, io.kgr.model.Secret password, String mechanism) {
        Secret existing = client.secrets().inNamespace(namespace).withName(user).get();
        if (existing != null && !Labels.managedByKgr(existing)) {
            throw new IllegalStateException("Secret " + namespace + "/" + user + " exists and was not created by kgr");
        }
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password.reveal() + "\";";
        Secret secret = new SecretBuilder().withNewMetadata().withName(user).withNamespace(namespace)
                .withLabels(Map.of(Labels.MANAGED_BY, Labels.KGR, "kgr.io/user", user, "kgr.io/mechanism", mechanism.toLowerCase()))
                .endMetadata().withType("Opaque")
                .withData(Map.of("password", b64(password.reveal()), "sasl.jaas.config", b64(jaas))).build();
        if (existing == null) client.secrets().inNamespace(namespace).resource(secret).create();
        else client.secrets().inNamespace(namespace).resource(secret).update();
    }

    /** Deletes the user's generated Secret, if kgr created it. */
    static void delete(KubernetesClient client, String namespace, String user) {
        Secret existing = client.secrets().inNamespace(namespace).withName(user).get();
        if (existing != null && Labels.managedByKgr(existing)) client.secrets().inNamespace(namespace).withName(user).delete();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}

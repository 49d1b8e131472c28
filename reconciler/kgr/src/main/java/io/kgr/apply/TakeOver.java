package io.kgr.apply;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.kgr.model.Labels;
import io.kgr.plan.Change;
import io.kgr.tls.CertSecrets;
import io.kgr.tls.Pki;

/**
 * Takes one object Strimzi's cluster operator made over in place: kgr's labels and annotations are added, owner
 * references to Strimzi's resources are dropped, and a node's certificate Secret gets the PEM files kgr's brokers read,
 * made from the key and certificate it holds. One update, guarded by the resource version just read: a run stopped
 * before it leaves the object Strimzi's (the next plan takes it over again), after it kgr's (the next plan sees it so).
 */
final class TakeOver {
    private final KubernetesClient client;
    private final String namespace;

    TakeOver(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    void apply(Change.TakeOverObject c) throws KubeSteps.StepFailed {
        Resource<? extends HasMetadata> resource = resource(c.objectKind(), c.name());
        HasMetadata current = resource.get();
        if (current == null) throw new KubeSteps.StepFailed(c.objectKind() + " " + c.name() + " is gone since the plan");
        if (!c.uid().equals(current.getMetadata().getUid())) {
            throw new KubeSteps.StepFailed(c.objectKind() + " " + c.name() + " was replaced since the plan (another uid)");
        }
        if (Labels.managedByKgr(current)) return; // taken over by an earlier run that stopped after this write
        boolean userSecret = current instanceof Secret && current.getMetadata().getLabels() != null
                && "KafkaUser".equals(current.getMetadata().getLabels().get("strimzi.io/kind"));
        if (!Labels.managedByStrimzi(current) && !userSecret) {
            throw new KubeSteps.StepFailed(c.objectKind() + " " + c.name() + " is no longer labelled as Strimzi's");
        }
        Map<String, String> labels = new TreeMap<>(current.getMetadata().getLabels() == null ? Map.of() : current.getMetadata().getLabels());
        labels.putAll(c.labels());
        current.getMetadata().setLabels(labels);
        Map<String, String> annotations = new TreeMap<>(current.getMetadata().getAnnotations() == null
                ? Map.of() : current.getMetadata().getAnnotations());
        annotations.putAll(c.annotations());
        current.getMetadata().setAnnotations(annotations);
        current.getMetadata().setOwnerReferences(Labels.ownersOtherThanStrimzi(current.getMetadata().getOwnerReferences()));
        if (c.nodeCertificate()) completeNodeCertificate((Secret) current, c.name());
        client.resource(current).inNamespace(namespace).update();
    }

    /**
     * The files kgr's broker reads next to Strimzi's {@code <pod>.crt} and {@code <pod>.key}: the key with its chain,
     * and the CA certificates it trusts, from the CA Secrets as they are now. Nothing is issued.
     */
    private void completeNodeCertificate(Secret secret, String pod) throws KubeSteps.StepFailed {
        PrivateKey key = CertSecrets.text(secret, pod + ".key").map(Pki::privateKey)
                .orElseThrow(() -> new KubeSteps.StepFailed("Secret " + pod + " holds no " + pod + ".key"));
        X509Certificate cert = CertSecrets.certificate(secret, pod + ".crt")
                .orElseThrow(() -> new KubeSteps.StepFailed("Secret " + pod + " holds no " + pod + ".crt"));
        String cluster = Labels.clusterOf(secret);
        List<X509Certificate> clusterTrust = CertSecrets.caCertificates(secret(CertSecrets.caCert(cluster, CertSecrets.CLUSTER_CA)));
        List<X509Certificate> clientsTrust = CertSecrets.caCertificates(secret(CertSecrets.caCert(cluster, CertSecrets.CLIENTS_CA)));
        if (clusterTrust.isEmpty()) {
            throw new KubeSteps.StepFailed("Secret " + CertSecrets.caCert(cluster, CertSecrets.CLUSTER_CA) + " holds no CA certificate");
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.add(clusterTrust.get(0));
        Map<String, String> data = new TreeMap<>(secret.getData() == null ? Map.of() : secret.getData());
        data.put(CertSecrets.KEYSTORE, base64(Pki.pem(key) + Pki.pem(chain)));
        data.put(CertSecrets.CLUSTER_TRUST, base64(Pki.pem(clusterTrust)));
        data.put(CertSecrets.CLIENTS_TRUST, base64(Pki.pem(clientsTrust)));
        secret.setData(data);
    }

    private Secret secret(String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    private Resource<? extends HasMetadata> resource(String kind, String name) throws KubeSteps.StepFailed {
        return switch (kind) {
            case "Pod" -> client.pods().inNamespace(namespace).withName(name);
            case "Service" -> client.services().inNamespace(namespace).withName(name);
            case "ConfigMap" -> client.configMaps().inNamespace(namespace).withName(name);
            case "PersistentVolumeClaim" -> client.persistentVolumeClaims().inNamespace(namespace).withName(name);
            case "Secret" -> client.secrets().inNamespace(namespace).withName(name);
            default -> throw new KubeSteps.StepFailed("kgr does not take over " + kind + " objects");
        };
    }
}

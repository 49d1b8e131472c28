package io.kgr.apply;

import io.kgr.model.Labels;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kgr.plan.Change;
import io.kgr.tls.CertSecrets;
import io.kgr.tls.Pki;

/**
 * Applies certificate steps: makes or renews a CA, and issues (or re-trusts) a node's, kgr's or a TLS user's
 * certificate, in Strimzi's Secrets. Keys are made here, at apply time, and go only into Secrets. A CA's key Secret is
 * written before its certificate Secret: a run stopped between the two leaves a key that no certificate matches, which
 * the next plan sees and replaces.
 */
final class CertSteps {
    /** Certificates start a little in the past, for nodes whose clocks lag. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final DateTimeFormatter OLD_CERT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'").withZone(ZoneOffset.UTC);

    private final KubernetesClient client;
    private final String namespace;

    CertSteps(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    void issueCa(Change.IssueCa c) throws KubeSteps.StepFailed {
        String keyName = CertSecrets.caKey(c.cluster(), c.ca());
        String certName = CertSecrets.caCert(c.cluster(), c.ca());
        Secret keySecret = get(keyName);
        Secret certSecret = get(certName);
        for (Secret s : new Secret[] {keySecret, certSecret}) {
            if (s != null && !CertSecrets.managedByKgr(s)) throw new KubeSteps.StepFailed("Secret " + s.getMetadata().getName() + " was not made by kgr");
        }
        Instant from = Instant.now().minus(BACKDATE);
        Map<String, String> certs = new TreeMap<>();
        KeyPair key;
        X509Certificate cert;
        switch (c.mode()) {
            case "create" -> {
                key = Pki.newKey();
                cert = Pki.selfSignedCa(key, c.commonName(), from, c.validityDays());
            }
            case "renew-certificate" -> {
                key = existingKey(keySecret, keyName);
                cert = Pki.selfSignedCa(key, c.commonName(), from, c.validityDays());
            }
            case "replace-key" -> {
                Optional<KeyPair> staged = CertSecrets.text(keySecret, CertSecrets.STAGED_KEY).map(Pki::privateKey)
                        .map(k -> new KeyPair(Pki.publicKey(k), k));
                key = staged.orElseGet(Pki::newKey);
                if (staged.isEmpty()) {
                    // write 1 of 3: the new key beside the old one, which stays the key until the end
                    Map<String, byte[]> both = new TreeMap<>();
                    CertSecrets.text(keySecret, "ca.key").ifPresent(k -> both.put("ca.key", k.getBytes(StandardCharsets.US_ASCII)));
                    both.put(CertSecrets.STAGED_KEY, Pki.pem(key.getPrivate()).getBytes(StandardCharsets.US_ASCII));
                    write(keySecret, keyName, labels(c.cluster(), "Kafka", "ca"), Map.of(CertSecrets.STAGED_KEY_GENERATION,
                            String.valueOf(c.keyGeneration())), both, null);
                    keySecret = get(keyName);
                }
                // a run that wrote the certificate Secret already left the new key's certificate there: it is kept
                Optional<X509Certificate> written = CertSecrets.certificate(certSecret, "ca.crt")
                        .filter(x -> x.getPublicKey().equals(key.getPublic()));
                cert = written.isPresent() ? written.get() : Pki.selfSignedCa(key, c.commonName(), from, c.validityDays());
                // the old certificates stay trusted until everything they signed was re-issued
                for (X509Certificate old : CertSecrets.caCertificates(certSecret)) {
                    if (old.getPublicKey().equals(key.getPublic())) continue;
                    certs.put("ca-" + OLD_CERT.format(old.getNotAfter().toInstant()) + ".crt", Pki.pem(List.of(old)));
                }
            }
            case "drop-old-certificates" -> {
                key = existingKey(keySecret, keyName);
                cert = CertSecrets.certificate(certSecret, "ca.crt")
                        .orElseThrow(() -> new KubeSteps.StepFailed("Secret " + certName + " holds no CA certificate"));
            }
            default -> throw new KubeSteps.StepFailed("unknown CA step " + c.mode());
        }
        certs.put("ca.crt", Pki.pem(List.of(cert)));
        String password = Pki.password();
        Map<String, byte[]> certData = new TreeMap<>();
        certs.forEach((k, v) -> certData.put(k, v.getBytes(StandardCharsets.US_ASCII)));
        // Java clients trust what ca.p12 holds: during a key replacement that is the old certificate as well as the new
        List<X509Certificate> trusted = new ArrayList<>();
        trusted.add(cert);
        for (var e : certs.entrySet()) if (!e.getKey().equals("ca.crt")) trusted.addAll(Pki.certificates(e.getValue()));
        certData.put("ca.p12", Pki.pkcs12Trust(trusted, password));
        certData.put("ca.password", password.getBytes(StandardCharsets.US_ASCII));
        if (c.mode().equals("replace-key")) {
            // write 2 of 3, then 3 of 3: the certificate Secret first; the key Secret last, when the key is only the new one
            write(certSecret, certName, labels(c.cluster(), "Kafka", "ca"), Map.of(CertSecrets.CA_CERT_GENERATION,
                    String.valueOf(c.certGeneration())), certData, CertSecrets.FORCE_RENEW);
            writeKey(keySecret, keyName, c, key);
            return;
        }
        writeKey(keySecret, keyName, c, key);
        write(certSecret, certName, labels(c.cluster(), "Kafka", "ca"), Map.of(CertSecrets.CA_CERT_GENERATION,
                String.valueOf(c.certGeneration())), certData, CertSecrets.FORCE_RENEW);
    }

    private void writeKey(Secret keySecret, String keyName, Change.IssueCa c, KeyPair key) {
        write(keySecret, keyName, labels(c.cluster(), "Kafka", "ca"), Map.of(CertSecrets.CA_KEY_GENERATION,
                String.valueOf(c.keyGeneration())), Map.of("ca.key", Pki.pem(key.getPrivate()).getBytes(StandardCharsets.US_ASCII)),
                CertSecrets.FORCE_REPLACE);
    }

    void issueCertificate(Change.IssueCertificate c) throws KubeSteps.StepFailed {
        Secret existing = get(c.secret());
        if (existing != null && !CertSecrets.managedByKgr(existing)) {
            throw new KubeSteps.StepFailed("Secret " + c.secret() + " exists and was not made by kgr");
        }
        String signer = c.purpose().equals("user") ? CertSecrets.CLIENTS_CA : CertSecrets.CLUSTER_CA;
        Secret signerCert = get(CertSecrets.caCert(c.cluster(), signer));
        X509Certificate ca = CertSecrets.certificate(signerCert, "ca.crt")
                .orElseThrow(() -> new KubeSteps.StepFailed("Secret " + CertSecrets.caCert(c.cluster(), signer) + " holds no CA certificate"));
        String prefix = switch (c.purpose()) {
            case "node" -> c.secret();
            case "kgr" -> "kgr";
            default -> "user";
        };
        PrivateKey key;
        X509Certificate cert;
        if (c.newKey() || existing == null) {
            PrivateKey caKey = existingKey(get(CertSecrets.caKey(c.cluster(), signer)), CertSecrets.caKey(c.cluster(), signer)).getPrivate();
            KeyPair pair = Pki.newKey();
            key = pair.getPrivate();
            cert = Pki.sign(caKey, ca, pair.getPublic(), c.commonName(), c.names(), Instant.now().minus(BACKDATE), c.validityDays());
        } else {
            key = CertSecrets.text(existing, prefix + ".key").map(Pki::privateKey)
                    .orElseThrow(() -> new KubeSteps.StepFailed("Secret " + c.secret() + " holds no key"));
            cert = CertSecrets.certificate(existing, prefix + ".crt")
                    .orElseThrow(() -> new KubeSteps.StepFailed("Secret " + c.secret() + " holds no certificate"));
        }
        Map<String, byte[]> data = new TreeMap<>();
        data.put(prefix + ".crt", Pki.pem(List.of(cert)).getBytes(StandardCharsets.US_ASCII));
        data.put(prefix + ".key", Pki.pem(key).getBytes(StandardCharsets.US_ASCII));
        List<X509Certificate> clusterTrust = CertSecrets.caCertificates(get(CertSecrets.caCert(c.cluster(), CertSecrets.CLUSTER_CA)));
        switch (c.purpose()) {
            case "node" -> {
                List<X509Certificate> clientsTrust = CertSecrets.caCertificates(get(CertSecrets.caCert(c.cluster(), CertSecrets.CLIENTS_CA)));
                data.put(CertSecrets.KEYSTORE, (Pki.pem(key) + Pki.pem(List.of(cert, ca))).getBytes(StandardCharsets.US_ASCII));
                data.put(CertSecrets.CLUSTER_TRUST, Pki.pem(clusterTrust).getBytes(StandardCharsets.US_ASCII));
                data.put(CertSecrets.CLIENTS_TRUST, Pki.pem(clientsTrust).getBytes(StandardCharsets.US_ASCII));
            }
            case "kgr" -> data.put("ca.crt", Pki.pem(clusterTrust).getBytes(StandardCharsets.US_ASCII));
            default -> {
                List<X509Certificate> clientsTrust = CertSecrets.caCertificates(signerCert);
                data.put("ca.crt", Pki.pem(clientsTrust).getBytes(StandardCharsets.US_ASCII));
                String password = c.newKey() || existing == null ? Pki.password()
                        : CertSecrets.text(existing, "user.password").orElse(Pki.password());
                data.put("user.p12", Pki.pkcs12(c.secret(), key, List.of(cert, ca), password));
                data.put("user.password", password.getBytes(StandardCharsets.US_ASCII));
            }
        }
        Map<String, String> labels = labels(c.cluster(), c.purpose().equals("user") ? "KafkaUser" : "Kafka", c.purpose());
        if (c.purpose().equals("user")) labels.put("kgr.io/user", c.secret());
        write(existing, c.secret(), labels, c.generations(), data, CertSecrets.FORCE_RENEW);
    }

    private static KeyPair existingKey(Secret keySecret, String name) throws KubeSteps.StepFailed {
        PrivateKey key = CertSecrets.text(keySecret, "ca.key").map(Pki::privateKey)
                .orElseThrow(() -> new KubeSteps.StepFailed("Secret " + name + " holds no CA key"));
        return new KeyPair(Pki.publicKey(key), key);
    }

    private static Map<String, String> labels(String cluster, String kind, String purpose) {
        Map<String, String> l = new TreeMap<>();
        l.put(Labels.MANAGED_BY, Labels.KGR);
        l.put(Labels.CLUSTER, cluster);
        l.put("strimzi.io/kind", kind);
        l.put(CertSecrets.CERTIFICATE_LABEL, purpose);
        return l;
    }

    private Secret get(String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
    }

    /** Creates the Secret, or replaces its data and kgr's annotations (the done {@code force} annotation goes). */
    private void write(Secret existing, String name, Map<String, String> labels, Map<String, String> annotations,
                       Map<String, byte[]> data, String force) {
        Map<String, String> a = new TreeMap<>();
        if (existing != null && existing.getMetadata().getAnnotations() != null) a.putAll(existing.getMetadata().getAnnotations());
        if (force != null) {
            a.remove(force);
            a.remove(CertSecrets.STAGED_KEY_GENERATION); // a key written in full is no longer staged
        }
        a.putAll(annotations);
        Map<String, String> l = new TreeMap<>();
        if (existing != null && existing.getMetadata().getLabels() != null) l.putAll(existing.getMetadata().getLabels());
        l.putAll(labels);
        Map<String, String> encoded = new TreeMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v)));
        Secret secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).withLabels(l)
                .withAnnotations(a).withResourceVersion(existing == null ? null : existing.getMetadata().getResourceVersion())
                .endMetadata().withType("Opaque").withData(encoded).build();
        if (existing == null) client.secrets().inNamespace(namespace).resource(secret).create();
        else client.secrets().inNamespace(namespace).resource(secret).update();
    }
}

package io.kgr.tls;

import io.kgr.model.Labels;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * The Secrets that hold a cluster's certificates, named and laid out as Strimzi does, so that clients and tools made
 * for Strimzi find them: {@code <cluster>-cluster-ca} ({@code ca.key}) and {@code <cluster>-cluster-ca-cert}
 * ({@code ca.crt}, {@code ca.p12}, {@code ca.password}), the same for {@code clients-ca}; one Secret per node named
 * after its pod ({@code <pod>.crt}, {@code <pod>.key}); one per TLS user named after the user ({@code ca.crt},
 * {@code user.crt}, {@code user.key}, {@code user.p12}, {@code user.password}); and kgr's own client certificate
 * ({@code <cluster>-kgr-certs}). Reading here is for planning; nothing read is ever printed.
 */
public final class CertSecrets {
    /** Marks the certificate Secrets kgr keeps (value: ca, node, kgr or user). */
    public static final String CERTIFICATE_LABEL = "kgr.io/certificate";
    public static final String CA_CERT_GENERATION = "strimzi.io/ca-cert-generation";
    public static final String CA_KEY_GENERATION = "strimzi.io/ca-key-generation";
    /** Strimzi's annotations that ask for a renewal now: a new certificate ({@code force-renew}), a new CA key ({@code force-replace}). */
    public static final String FORCE_RENEW = "strimzi.io/force-renew";
    public static final String FORCE_REPLACE = "strimzi.io/force-replace";
    /** How often a node's, kgr's or a user's certificate was issued (it changes the pods that use it). */
    public static final String CERT_GENERATION = "kgr.io/certificate-generation";
    /**
     * A CA key replacement writes the new key next to the old one first ({@code ca.key.next}, with the key generation it
     * is for), then the certificate Secret, then makes it the key: a run stopped between any two writes leaves a state
     * from which the next one finishes the same replacement with the same key.
     */
    public static final String STAGED_KEY = "ca.key.next";
    public static final String STAGED_KEY_GENERATION = "kgr.io/ca-key-staged-generation";
    public static final String CLUSTER_CA = "cluster-ca";
    public static final String CLIENTS_CA = "clients-ca";
    /** Where a node's certificate Secret is mounted. */
    public static final String NODE_CERTS = "/opt/kafka/certs";
    /** Node Secret keys kgr adds for Kafka's PEM stores: the key with its chain, and the trusted CA certificates. */
    public static final String KEYSTORE = "keystore.pem";
    public static final String CLUSTER_TRUST = "cluster-ca.crt";
    public static final String CLIENTS_TRUST = "clients-ca.crt";

    private CertSecrets() {
    }

    public static String caKey(String cluster, String ca) {
        return cluster + "-" + ca;
    }

    public static String caCert(String cluster, String ca) {
        return cluster + "-" + ca + "-cert";
    }

    public static String kgr(String cluster) {
        return cluster + "-kgr-certs";
    }

    /** The subject of kgr's own client certificate; a super user of the clusters it runs. */
    public static String kgrSubject(String cluster) {
        return "CN=" + cluster + "-kgr,O=io.kgr";
    }

    /**
     * The subject of Strimzi's cluster operator's client certificate, a super user of every cluster Strimzi runs: kgr's
     * own on a cluster it took over from Strimzi, so that the nodes Strimzi made let kgr in.
     */
    public static final String STRIMZI_OPERATOR_SUBJECT = "CN=cluster-operator,O=io.strimzi";

    /** The subject of every node's certificate (brokers and controllers), as Strimzi names it. */
    public static String nodeSubject(String cluster) {
        return "CN=" + cluster + "-kafka,O=io.strimzi";
    }

    /** The generation annotation a signed certificate's Secret carries for one CA: {@code strimzi.io/cluster-ca-cert-generation}. */
    public static String generationOf(String ca, String what) {
        return "strimzi.io/" + ca + "-" + what + "-generation";
    }

    public static Optional<String> text(Secret s, String key) {
        if (s == null) return Optional.empty();
        if (s.getStringData() != null && s.getStringData().containsKey(key)) return Optional.of(s.getStringData().get(key));
        if (s.getData() == null || s.getData().get(key) == null) return Optional.empty();
        try {
            return Optional.of(new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The first certificate under the key, if it holds a readable one. */
    public static Optional<X509Certificate> certificate(Secret s, String key) {
        try {
            return text(s, key).map(Pki::certificates).filter(l -> !l.isEmpty()).map(l -> l.get(0));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The CA certificates a CA's cert Secret holds: {@code ca.crt} first, then older ones kept during a key replacement. */
    public static List<X509Certificate> caCertificates(Secret caCert) {
        List<X509Certificate> out = new ArrayList<>();
        certificate(caCert, "ca.crt").ifPresent(out::add);
        for (String key : keys(caCert)) {
            if (key.endsWith(".crt") && !key.equals("ca.crt")) certificate(caCert, key).ifPresent(out::add);
        }
        return out;
    }

    /** Whether the cert Secret still holds a replaced CA certificate ({@code ca-<date>.crt}). */
    public static boolean holdsOldCertificates(Secret caCert) {
        return keys(caCert).stream().anyMatch(k -> k.endsWith(".crt") && !k.equals("ca.crt"));
    }

    public static List<String> keys(Secret s) {
        List<String> out = new ArrayList<>();
        if (s == null) return out;
        if (s.getData() != null) out.addAll(s.getData().keySet());
        if (s.getStringData() != null) out.addAll(s.getStringData().keySet());
        out.sort(null);
        return out;
    }

    /** An integer annotation; {@code missing} when absent or not a number. */
    public static int annotation(Secret s, String key, int missing) {
        if (s == null || s.getMetadata().getAnnotations() == null) return missing;
        try {
            return Integer.parseInt(s.getMetadata().getAnnotations().getOrDefault(key, String.valueOf(missing)).trim());
        } catch (NumberFormatException e) {
            return missing;
        }
    }

    public static boolean flag(Secret s, String annotation) {
        return s != null && s.getMetadata().getAnnotations() != null
                && "true".equalsIgnoreCase(s.getMetadata().getAnnotations().get(annotation));
    }

    public static boolean managedByKgr(Secret s) {
        return Labels.managedByKgr(s);
    }
}

package io.kgr.observe;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kgr.model.Labels;
import io.kgr.model.StrimziKinds;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kgr.tls.CertSecrets;

/**
 * Reads a namespace's services, ConfigMaps, claims, pods and pod sets (one list call per kind), and the storage classes.
 * All objects of the namespace are read, not only kgr's: an object with a name kgr wants but not made by kgr must be
 * seen to be left alone.
 */
public final class KubeObserver {
    public static final ResourceDefinitionContext POD_SETS = new ResourceDefinitionContext.Builder().withGroup("kgr.io")
            .withVersion("v1alpha1").withKind("PodSet").withPlural("podsets").withNamespaced(true).build();

    private final KubernetesClient client;
    private final String namespace;

    public KubeObserver(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public String namespace() {
        return namespace;
    }

    public KubernetesClient client() {
        return client;
    }

    public LiveKube observe() throws ObserveException {
        try {
            return new LiveKube(namespace,
                    byName(client.services().inNamespace(namespace).list().getItems()),
                    byName(client.configMaps().inNamespace(namespace).list().getItems()),
                    byName(client.persistentVolumeClaims().inNamespace(namespace).list().getItems()),
                    byName(client.pods().inNamespace(namespace).list().getItems()),
                    byName(client.genericKubernetesResources(POD_SETS).inNamespace(namespace).list().getItems()),
                    storageClasses(),
                    certificateSecrets(),
                    byName(client.policy().v1().podDisruptionBudget().inNamespace(namespace).list().getItems()),
                    strimziResources());
        } catch (KubernetesClientException e) {
            throw new ObserveException("cannot read namespace " + namespace + " from Kubernetes: " + e.getMessage(), e);
        }
    }

    /**
     * The objects kgr made for a cluster ("Kind/name", by kind then name), found by their labels: what is left of a
     * cluster whose Kafka manifest Git no longer has.
     */
    public List<String> objectsOf(String cluster) throws ObserveException {
        Map<String, String> labels = Map.of(Labels.MANAGED_BY, Labels.KGR, Labels.CLUSTER, cluster);
        try {
            List<String> out = new ArrayList<>();
            client.genericKubernetesResources(POD_SETS).inNamespace(namespace).withLabels(labels).list().getItems()
                    .forEach(o -> out.add("PodSet/" + o.getMetadata().getName()));
            client.pods().inNamespace(namespace).withLabels(labels).list().getItems()
                    .forEach(o -> out.add("Pod/" + o.getMetadata().getName()));
            client.persistentVolumeClaims().inNamespace(namespace).withLabels(labels).list().getItems()
                    .forEach(o -> out.add("PersistentVolumeClaim/" + o.getMetadata().getName()));
            client.services().inNamespace(namespace).withLabels(labels).list().getItems()
                    .forEach(o -> out.add("Service/" + o.getMetadata().getName()));
            client.configMaps().inNamespace(namespace).withLabels(labels).list().getItems()
                    .forEach(o -> out.add("ConfigMap/" + o.getMetadata().getName()));
            return out;
        } catch (KubernetesClientException e) {
            throw new ObserveException("cannot read namespace " + namespace + " from Kubernetes: " + e.getMessage(), e);
        }
    }

    /**
     * The namespace's certificate Secrets: Strimzi's CA Secrets (kgr's or the user's own), those kgr made for nodes and
     * TLS users, and those Strimzi's cluster operator made for a cluster's nodes; other Secrets (passwords) are not read
     * here.
     */
    private TreeMap<String, Secret> certificateSecrets() {
        TreeMap<String, Secret> out = new TreeMap<>();
        for (var s : client.secrets().inNamespace(namespace).list().getItems()) {
            String name = s.getMetadata().getName();
            var labels = s.getMetadata().getLabels() == null ? Map.<String, String>of() : s.getMetadata().getLabels();
            boolean ca = name.endsWith("-cluster-ca") || name.endsWith("-cluster-ca-cert") || name.endsWith("-clients-ca")
                    || name.endsWith("-clients-ca-cert");
            // Strimzi's certificate Secrets of a cluster it made (its nodes' among them), for a takeover in place
            boolean strimzi = Labels.STRIMZI_OPERATOR.equals(labels.get(Labels.MANAGED_BY)) && "Kafka".equals(labels.get("strimzi.io/kind"));
            // and those Strimzi's User Operator made for TLS users (their certificates, kept when kgr takes a cluster over)
            boolean strimziUser = "KafkaUser".equals(labels.get("strimzi.io/kind")) && labels.containsKey(Labels.CLUSTER)
                    && !Labels.KGR.equals(labels.get(Labels.MANAGED_BY));
            if (ca || strimzi || strimziUser || labels.containsKey(CertSecrets.CERTIFICATE_LABEL)) out.put(name, s);
        }
        return out;
    }

    /**
     * The namespace's Strimzi resources by "Kind/name" (Strimzi's pod sets among them, when served); empty when their CRDs are not installed (404) or kgr may not
     * read them (403: an older RBAC without kafka.strimzi.io), so that a run goes on without mirrors.
     */
    private Optional<SortedMap<String, GenericKubernetesResource>> strimziResources() {
        TreeMap<String, GenericKubernetesResource> out = new TreeMap<>();
        for (var kind : StrimziKinds.ALL) {
            try {
                client.genericKubernetesResources(kind).inNamespace(namespace).list().getItems()
                        .forEach(r -> out.put(kind.getKind() + "/" + r.getMetadata().getName(), r));
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404 || e.getCode() == 403) return Optional.empty();
                throw e;
            }
        }
        // Strimzi's own pod sets ("StrimziPodSet/name"): what a takeover in place releases last
        for (var version : StrimziKinds.STRIMZI_POD_SETS) {
            try {
                client.genericKubernetesResources(version).inNamespace(namespace).list().getItems()
                        .forEach(r -> out.put("StrimziPodSet/" + r.getMetadata().getName(), r));
                break;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404 && e.getCode() != 403) throw e;
            }
        }
        return Optional.of(out);
    }

    private TreeMap<String, StorageClass> storageClasses() {
        try {
            return byName(client.storage().v1().storageClasses().list().getItems());
        } catch (KubernetesClientException e) {
            return new TreeMap<>(); // not allowed to read them: expansions are then refused with the reason
        }
    }

    private static <T extends HasMetadata> TreeMap<String, T> byName(List<T> items) {
        TreeMap<String, T> out = new TreeMap<>();
        items.forEach(i -> out.put(i.getMetadata().getName(), i));
        return out;
    }
}

package io.kgr.observe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kgr.model.Labels;

/**
 * The Kubernetes objects of a cluster's namespace that kgr compares with Git, by name. {@code secrets} are the
 * certificate Secrets (CAs, nodes', users'): their values are read by the planner to decide renewals, never shown.
 */
public record LiveKube(String namespace, SortedMap<String, Service> services, SortedMap<String, ConfigMap> configMaps,
                       SortedMap<String, PersistentVolumeClaim> claims, SortedMap<String, Pod> pods,
                       SortedMap<String, GenericKubernetesResource> podSets, SortedMap<String, StorageClass> storageClasses,
                       SortedMap<String, Secret> secrets,
                       SortedMap<String, PodDisruptionBudget> disruptionBudgets,
                       Optional<SortedMap<String, GenericKubernetesResource>> strimziResources) {

    /**
     * @param strimziResources the namespace's Strimzi resources ({@code Kafka}, {@code KafkaNodePool}, {@code KafkaTopic},
     *                         {@code KafkaUser}) by "Kind/name", kgr's mirrors and any other; empty when the API server
     *                         does not serve those kinds (their CRDs are not installed)
     */
    public LiveKube {
    }

    public LiveKube(String namespace, SortedMap<String, Service> services, SortedMap<String, ConfigMap> configMaps,
                    SortedMap<String, PersistentVolumeClaim> claims, SortedMap<String, Pod> pods,
                    SortedMap<String, GenericKubernetesResource> podSets, SortedMap<String, StorageClass> storageClasses,
                    SortedMap<String, Secret> secrets, SortedMap<String, PodDisruptionBudget> disruptionBudgets) {
        this(namespace, services, configMaps, claims, pods, podSets, storageClasses, secrets, disruptionBudgets,
                Optional.empty());
    }

    public LiveKube(String namespace, SortedMap<String, Service> services, SortedMap<String, ConfigMap> configMaps,
                    SortedMap<String, PersistentVolumeClaim> claims, SortedMap<String, Pod> pods,
                    SortedMap<String, GenericKubernetesResource> podSets, SortedMap<String, StorageClass> storageClasses,
                    SortedMap<String, Secret> secrets) {
        this(namespace, services, configMaps, claims, pods, podSets, storageClasses, secrets, new TreeMap<>());
    }

    /** Without Secrets (a namespace whose certificates kgr does not look at). */
    public LiveKube(String namespace, SortedMap<String, Service> services, SortedMap<String, ConfigMap> configMaps,
                    SortedMap<String, PersistentVolumeClaim> claims, SortedMap<String, Pod> pods,
                    SortedMap<String, GenericKubernetesResource> podSets, SortedMap<String, StorageClass> storageClasses) {
        this(namespace, services, configMaps, claims, pods, podSets, storageClasses, new TreeMap<>());
    }

    public static LiveKube empty(String namespace) {
        return new LiveKube(namespace, new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>(), new TreeMap<>());
    }

    /**
     * Changes whenever any of these objects changes (resource versions): a saved plan checks it before applying. kgr's
     * Strimzi mirrors are left out: apply rewrites them whole from Git, and their status changes after every run. Strimzi
     * resources kgr did not make count: a saved takeover plan made while Strimzi's Kafka was paused must not be applied
     * after the pause was lifted.
     */
    public String fingerprint() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Map<String, ? extends HasMetadata> m : List.of(services, configMaps, claims, pods, podSets, secrets,
                    disruptionBudgets)) {
                m.forEach((name, o) -> d.update((o.getKind() + "/" + name + "@" + o.getMetadata().getResourceVersion() + "\n")
                        .getBytes(StandardCharsets.UTF_8)));
            }
            strimziResources.ifPresent(resources -> resources.forEach((key, r) -> {
                if (!Labels.managedByKgr(r)) {
                    d.update((key + "@" + r.getMetadata().getResourceVersion() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }));
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

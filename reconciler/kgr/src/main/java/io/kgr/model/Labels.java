package io.kgr.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * The labels kgr reads and writes on Kubernetes objects, in one place: Strimzi's names where Strimzi has one (so that
 * kubectl selectors and dashboards made for Strimzi work), and the managed-by label that is kgr's proof of ownership
 * (kgr changes or deletes only objects that carry it).
 */
public final class Labels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String KGR = "kgr";
    /** The cluster a Strimzi resource or a Kubernetes object belongs to. */
    public static final String CLUSTER = "strimzi.io/cluster";
    public static final String BROKER_ROLE = "strimzi.io/broker-role";
    public static final String CONTROLLER_ROLE = "strimzi.io/controller-role";
    /** The managed-by value of what Strimzi's cluster operator made. */
    public static final String STRIMZI_OPERATOR = "strimzi-cluster-operator";
    /**
     * On each object kgr took over in place from Strimzi's cluster operator (value {@value #STRIMZI_OPERATOR}); on a
     * pod, it also says that the pod still runs as Strimzi made it, until kgr replaces it.
     */
    public static final String TAKEN_OVER = "kgr.io/taken-over-from";
    /** On the {@code Kafka} manifest in Git: the operator's consent to take a Strimzi-made cluster over in place. */
    public static final String TAKE_OVER = "kgr.io/take-over";

    private Labels() {
    }

    /** Whether kgr made (and so may change or delete) this object. */
    public static boolean managedByKgr(HasMetadata object) {
        Map<String, String> labels = object == null || object.getMetadata() == null ? null : object.getMetadata().getLabels();
        return labels != null && KGR.equals(labels.get(MANAGED_BY));
    }

    /** Whether Strimzi's cluster operator made this object (and kgr has not taken it over). */
    public static boolean managedByStrimzi(HasMetadata object) {
        Map<String, String> labels = object == null || object.getMetadata() == null ? null : object.getMetadata().getLabels();
        return labels != null && STRIMZI_OPERATOR.equals(labels.get(MANAGED_BY));
    }

    /**
     * An object's owner references without those to Strimzi's resources (whose deletion would delete the object):
     * what a takeover from Strimzi leaves; null when none is left.
     */
    public static List<OwnerReference> ownersOtherThanStrimzi(List<OwnerReference> refs) {
        if (refs == null) return null;
        List<OwnerReference> kept = refs.stream()
                .filter(r -> r.getApiVersion() == null || !r.getApiVersion().contains("strimzi.io/")).toList();
        return kept.isEmpty() ? null : new ArrayList<>(kept);
    }

    /** The cluster the object is labelled with; null when none. */
    public static String clusterOf(HasMetadata object) {
        Map<String, String> labels = object.getMetadata() == null ? null : object.getMetadata().getLabels();
        return labels == null ? null : labels.get(CLUSTER);
    }
}

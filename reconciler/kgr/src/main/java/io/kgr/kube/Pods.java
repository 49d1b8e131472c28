package io.kgr.kube;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.readiness.Readiness;

/** What kgr reads off a Kafka node's pod: whether it is Ready, and its node id (the pod name's last part). */
public final class Pods {
    private Pods() {
    }

    public static boolean ready(Pod pod) {
        return pod != null && Readiness.isPodReady(pod);
    }

    /** {@code my-cluster-brokers-3} → 3; empty for a name that does not end in a node id. */
    public static Optional<Integer> nodeId(String podName) {
        int dash = podName.lastIndexOf('-');
        try {
            return Optional.of(Integer.parseInt(podName.substring(dash + 1)));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }
}

package io.kgr.embedded;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Plays the kubelet and the volume provisioner of the demo's in-memory API server: a pod becomes Running and Ready
 * (nothing actually runs), a claim becomes Bound with the capacity it asks for (so expanding a claim shows the new
 * size). Polls twice a second; honest about being a simulation in everything the demo prints.
 */
public final class PodSimulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodSimulator.class);

    private final KubernetesClient client;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kgr-pod-simulator");
        t.setDaemon(true);
        return t;
    });

    private final Set<String> unready = ConcurrentHashMap.newKeySet();
    private volatile Predicate<Pod> elsewhere = p -> false;

    public PodSimulator(KubernetesClient client) {
        this.client = client;
    }

    /** Keeps these pods from ever becoming Ready (a node that does not come back), until {@link #release}. */
    public PodSimulator keepUnready(String... pods) {
        unready.addAll(List.of(pods));
        return this;
    }

    /** Pods another kubelet runs (real brokers): the simulator leaves them alone. */
    public PodSimulator skip(Predicate<Pod> pods) {
        this.elsewhere = pods;
        return this;
    }

    public PodSimulator release(String pod) {
        unready.remove(pod);
        return this;
    }

    public PodSimulator start() {
        timer.scheduleWithFixedDelay(this::tick, 0, 500, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One pass: everything not yet running or bound is made so. */
    public void tick() {
        try {
            for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
                if (pod.getMetadata().getDeletionTimestamp() == null && !ready(pod) && !elsewhere.test(pod)
                        && !unready.contains(pod.getMetadata().getName())) {
                    markReady(pod);
                }
            }
            for (PersistentVolumeClaim pvc : client.persistentVolumeClaims().inAnyNamespace().list().getItems()) {
                if (!bound(pvc)) bind(pvc);
            }
        } catch (KubernetesClientException e) {
            log.debug("pod simulator: {}", e.getMessage());
        }
    }

    public static boolean ready(Pod pod) {
        return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())
                && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private void markReady(Pod pod) {
        String now = Instant.now().toString();
        List<ContainerStatus> containers = pod.getSpec() == null ? List.of()
                : pod.getSpec().getContainers().stream().map(c -> new ContainerStatusBuilder().withName(c.getName())
                        .withImage(c.getImage()).withReady(true).withStarted(true).withRestartCount(0)
                        .withNewState().withNewRunning().withStartedAt(now).endRunning().endState().build()).toList();
        pod.setStatus(new PodStatusBuilder().withPhase("Running").withStartTime(now) // no address: nothing runs
                .withConditions(condition("PodScheduled", now), condition("Initialized", now),
                        condition("ContainersReady", now), condition("Ready", now))
                .withContainerStatuses(containers).build());
        client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
    }

    private static PodCondition condition(String type, String now) {
        return new PodConditionBuilder().withType(type).withStatus("True").withLastTransitionTime(now).build();
    }

    private static Quantity requested(PersistentVolumeClaim pvc) {
        if (pvc.getSpec() == null || pvc.getSpec().getResources() == null || pvc.getSpec().getResources().getRequests() == null) {
            return null;
        }
        return pvc.getSpec().getResources().getRequests().get("storage");
    }

    static boolean bound(PersistentVolumeClaim pvc) {
        if (pvc.getStatus() == null || !"Bound".equals(pvc.getStatus().getPhase())) return false;
        Quantity want = requested(pvc);
        Quantity have = pvc.getStatus().getCapacity() == null ? null : pvc.getStatus().getCapacity().get("storage");
        return want == null || (have != null && Objects.equals(Quantity.getAmountInBytes(want), Quantity.getAmountInBytes(have)));
    }

    private void bind(PersistentVolumeClaim pvc) {
        Quantity want = requested(pvc);
        pvc.setStatus(new PersistentVolumeClaimStatusBuilder().withPhase("Bound")
                .withAccessModes(pvc.getSpec() == null ? List.of() : pvc.getSpec().getAccessModes())
                .withCapacity(want == null ? Map.of() : Map.of("storage", want)).build());
        client.persistentVolumeClaims().inNamespace(pvc.getMetadata().getNamespace()).resource(pvc).updateStatus();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

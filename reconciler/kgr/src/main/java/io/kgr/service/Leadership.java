package io.kgr.service;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/**
 * Who reconciles. Without election this replica always does. With it, only the holder of a Kubernetes {@code Lease}
 * does (fabric8's {@link LeaderElector}); the holder labels its own pod {@code kgr.io/leader=true} so that a Service
 * can send webhooks to it alone. Losing the lease stops scheduling at once and ends a running apply after its step.
 */
final class Leadership implements AutoCloseable {
    static final String LEADER_LABEL = "kgr.io/leader";
    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    /** What to do when leadership starts or stops. */
    interface Listener {
        void startLeading();

        void stopLeading();
    }

    private final AtomicBoolean leader = new AtomicBoolean();
    private final AtomicReference<String> currentLeader = new AtomicReference<>("");
    private final String identity;
    private final Optional<KubernetesClient> client;
    private final ExecutorService executor;
    private volatile CompletableFuture<?> election;
    private volatile boolean closed;

    private Leadership(String identity, Optional<KubernetesClient> client) {
        this.identity = identity;
        this.client = client;
        this.executor = client.isPresent() ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kgr-leader-election");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** A single replica: always the leader. */
    static Leadership always(String identity) {
        return new Leadership(identity, Optional.empty());
    }

    static Leadership elected(String identity, KubernetesClient client) {
        return new Leadership(identity, Optional.of(client));
    }

    void start(ServiceConfig.LeaderElection settings, String namespace, Listener listener) {
        if (client.isEmpty()) {
            leader.set(true);
            currentLeader.set(identity);
            listener.startLeading();
            return;
        }
        var config = new LeaderElectionConfigBuilder().withName("kgr")
                .withLock(new LeaseLock(namespace, settings.leaseName(), identity))
                .withLeaseDuration(settings.leaseDuration()).withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod()).withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(() -> {
                    leader.set(true);
                    log.info("{} holds the lease {}/{}: reconciling", identity, namespace, settings.leaseName());
                    labelOwnPod(true);
                    listener.startLeading();
                }, () -> {
                    boolean was = leader.getAndSet(false);
                    if (was) log.info("{} lost the lease {}/{}: standing by", identity, namespace, settings.leaseName());
                    listener.stopLeading();
                    labelOwnPod(false);
                }, newLeader -> {
                    currentLeader.set(newLeader);
                    log.info("the leader is now {}", newLeader);
                }))
                .build();
        election = new LeaderElector(client.get(), config, executor).start();
        // the elector stops trying after a lost lease; keep this replica a candidate for as long as it runs
        election.whenComplete((ok, e) -> {
            if (!closed) executor.execute(() -> {
                if (!closed) start(settings, namespace, listener);
            });
        });
    }

    /** Marks the pod this runs in (from the downward API's POD_NAME and POD_NAMESPACE), if kgr runs in one. */
    private void labelOwnPod(boolean isLeader) {
        String pod = System.getenv("POD_NAME");
        String ns = System.getenv("POD_NAMESPACE");
        if (pod == null || ns == null || client.isEmpty()) return;
        try {
            client.get().pods().inNamespace(ns).withName(pod).edit(p -> {
                p.getMetadata().setLabels(p.getMetadata().getLabels() == null ? new HashMap<>()
                        : new HashMap<>(p.getMetadata().getLabels()));
                p.getMetadata().getLabels().put(LEADER_LABEL, String.valueOf(isLeader));
                return p;
            });
        } catch (KubernetesClientException e) {
            log.warn("cannot label pod {}/{} {}={}: {}", ns, pod, LEADER_LABEL, isLeader, e.getMessage());
        }
    }

    boolean isLeader() {
        return leader.get();
    }

    Map<String, Object> describe() {
        return Map.of("identity", identity, "leader", leader.get(), "currentLeader", currentLeader.get(),
                "elected", client.isPresent());
    }

    @Override
    public void close() {
        closed = true;
        if (election != null) election.cancel(true); // releases the lease, so another replica takes over at once
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        client.ifPresent(KubernetesClient::close);
    }
}

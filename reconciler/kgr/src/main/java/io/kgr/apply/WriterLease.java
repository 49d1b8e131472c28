package io.kgr.apply;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kgr.model.Labels;

/**
 * One kgr writer per cluster at a time: a Kubernetes Lease {@code kgr-writer-<cluster>} in the cluster's namespace,
 * taken before an apply writes anything and renewed while it runs — by {@code kgr serve} and by CLI applies alike, so
 * that two sources whose paths hold one cluster's Kafka, or a CLI run beside serve, never roll the same pods at once.
 * A lease that another writer took (this one's renewals failed for a whole term) is lost: the apply stops at the next
 * safe point and writes no inventory, since the new holder may be writing its own.
 */
final class WriterLease implements AutoCloseable {
    static final Duration TERM = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String holder;
    private final ScheduledExecutorService renewals;
    private volatile boolean lost;
    private volatile Instant renewedAt;

    /** Another writer holds the cluster's lease. */
    static final class Held extends Exception {
        Held(String message) {
            super(message);
        }
    }

    private WriterLease(KubernetesClient client, String namespace, String name, String holder) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.holder = holder;
        this.renewedAt = Instant.now();
        this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kgr-writer-lease");
            t.setDaemon(true);
            return t;
        });
    }

    static String nameFor(String cluster) {
        return "kgr-writer-" + cluster;
    }

    /** Takes the cluster's lease for {@code holder}, or says who holds it; renews it every third of a term. */
    static WriterLease acquire(KubernetesClient client, String namespace, String cluster, String holder) throws Held {
        String name = nameFor(cluster);
        var leases = client.leases().inNamespace(namespace);
        Lease current = leases.withName(name).get();
        Instant now = Instant.now();
        try {
            if (current == null) {
                leases.resource(new LeaseBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                        .addToLabels(Labels.MANAGED_BY, Labels.KGR).addToLabels(Labels.CLUSTER, cluster).endMetadata()
                        .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds((int) TERM.toSeconds())
                        .withAcquireTime(micro(now)).withRenewTime(micro(now)).endSpec().build()).create();
            } else {
                String other = current.getSpec().getHolderIdentity();
                Instant until = expiry(current);
                if (other != null && !other.isEmpty() && !other.equals(holder) && until.isAfter(now)) {
                    throw new Held("cluster " + cluster + " is being written by " + other + " (Lease " + namespace + "/"
                            + name + ", renewed until " + until + "); nothing was applied, the next run plans again");
                }
                current.getSpec().setHolderIdentity(holder);
                current.getSpec().setLeaseDurationSeconds((int) TERM.toSeconds());
                current.getSpec().setAcquireTime(micro(now));
                current.getSpec().setRenewTime(micro(now));
                leases.resource(current).update(); // guarded by the resource version read: one of two takers wins
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) throw new Held("cluster " + cluster + " was taken by another writer at the same moment"
                    + " (Lease " + namespace + "/" + name + "); nothing was applied, the next run plans again");
            throw e;
        }
        WriterLease lease = new WriterLease(client, namespace, name, holder);
        long every = TERM.toMillis() / 3;
        lease.renewals.scheduleWithFixedDelay(lease::renew, every, every, TimeUnit.MILLISECONDS);
        return lease;
    }

    /** Whether another writer has the cluster now: what this apply has not started, it must not start. */
    boolean lost() {
        return lost || Duration.between(renewedAt, Instant.now()).compareTo(TERM) > 0;
    }

    void renew() {
        try {
            Lease current = client.leases().inNamespace(namespace).withName(name).get();
            if (current == null || !holder.equals(current.getSpec().getHolderIdentity())) {
                lost = true;
                return;
            }
            current.getSpec().setRenewTime(micro(Instant.now()));
            client.leases().inNamespace(namespace).resource(current).update();
            renewedAt = Instant.now();
        } catch (KubernetesClientException e) {
            // tried again at the next tick; a whole term without a renewal is a lost lease (see lost())
        }
    }

    /** Gives the cluster back (deletes the lease if this writer still holds it). */
    @Override
    public void close() {
        renewals.shutdownNow();
        try {
            Lease current = client.leases().inNamespace(namespace).withName(name).get();
            if (current != null && holder.equals(current.getSpec().getHolderIdentity())) {
                client.leases().inNamespace(namespace).resource(current).delete();
            }
        } catch (KubernetesClientException e) {
            // it expires by itself after a term
        }
    }

    private static Instant expiry(Lease lease) {
        var spec = lease.getSpec();
        ZonedDateTime renewed = spec.getRenewTime() != null ? spec.getRenewTime() : spec.getAcquireTime();
        if (renewed == null) return Instant.EPOCH;
        int seconds = spec.getLeaseDurationSeconds() == null ? (int) TERM.toSeconds() : spec.getLeaseDurationSeconds();
        return renewed.toInstant().plusSeconds(seconds);
    }

    private static ZonedDateTime micro(Instant at) {
        return at.atZone(ZoneOffset.UTC);
    }
}

package io.kgr;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import io.kgr.observe.LiveKube;
import io.kgr.observe.LiveState;
import io.kgr.observe.ObserveException;
import io.kgr.plan.Plan;
import io.kgr.inventory.Inventories;
import io.kgr.inventory.InventoryRecords;

/**
 * What a plan was computed from, as a short hash: a saved plan ({@code kgr plan --out}) is applied only while the
 * cluster still has the fingerprint its header records.
 */
public final class Fingerprint {
    private Fingerprint() {
    }

    /** The fingerprint a saved plan is checked against before it is applied. */
    public static String of(LiveState live, Inventories inventories) {
        return of(live.fingerprint(), inventories);
    }

    /** The fingerprint of a plan that also covers Kubernetes objects (and perhaps no live Kafka yet). */
    public static String of(Optional<LiveState> live, Optional<LiveKube> kube,
                                     Inventories inventories) {
        if (kube.isEmpty() && live.isPresent()) return of(live.get(), inventories);
        return of(live.map(LiveState::fingerprint).orElse("kafka:unreachable")
                + kube.map(k -> "\nkube:" + k.fingerprint()).orElse(""), inventories);
    }

    /** The same, when Kubernetes objects are part of what was observed: {@code observed} covers both. */
    public static String of(String observed, Inventories inventories) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(observed.getBytes(StandardCharsets.UTF_8));
            d.update(("\ninventory:" + inventories.version()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether a saved plan may still be applied to the target: empty when it may, else why not.
     *
     * @param withoutBrokers no broker could be reached: a plan made then (a cluster kgr is creating) is checked
     *                       without them, as it was made
     */
    public static Optional<String> changedSince(Plan saved, Target target, boolean withoutBrokers) {
        Observation observed = null;
        try {
            observed = Observation.of(target).join();
        } catch (CompletionException e) {
            // a plan for a cluster without ready brokers yet was made without them, as now
            if (!withoutBrokers || target.kube().isEmpty()) {
                return Optional.of("ObserveFailed: " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
            }
        }
        Inventories inventories = (observed == null ? InventoryRecords.none() : observed.inventories())
                .select(saved.header().cluster(), saved.header().source());
        Optional<LiveState> live = Optional.ofNullable(observed).map(Observation::live);
        String now;
        try {
            now = of(live, target.kube().isPresent() ? Optional.of(target.kube().get().observe()) : Optional.empty(),
                    inventories);
        } catch (ObserveException e) {
            return Optional.of("ObserveFailed: " + e.getMessage());
        }
        // a plan of topics and users only (no Kafka manifest in Git) was made without the namespace's objects
        boolean same = now.equals(saved.header().fingerprint())
                || live.isPresent() && of(live.get(), inventories).equals(saved.header().fingerprint());
        return same ? Optional.empty() : Optional.of("the cluster changed since this plan was made (fingerprint "
                + saved.header().fingerprint() + ", now " + now + "). Nothing was applied; run 'kgr plan' again.");
    }
}

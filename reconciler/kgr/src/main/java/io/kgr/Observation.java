package io.kgr;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kgr.observe.LiveState;
import io.kgr.observe.ObserveException;
import io.kgr.inventory.InventoryRecords;
import io.kgr.inventory.InventoryStore.InventoryException;

/** What a cluster holds: its live state and the inventories stored on it. */
public record Observation(LiveState live, InventoryRecords inventories) {
    private static final Logger LOG = LoggerFactory.getLogger(Observation.class);

    /** Reads the live state and the inventories concurrently (independent requests). */
    public static CompletableFuture<Observation> of(Target target) {
        CompletableFuture<LiveState> live = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                LiveState l = target.kafka().observe();
                LOG.debug("observed the cluster: {} topic(s), {} ACL(s) in {} ms", l.topics().size(), l.acls().size(), millis(start));
                return l;
            } catch (ObserveException e) {
                throw new CompletionException(e);
            }
        });
        CompletableFuture<InventoryRecords> inventories = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                InventoryRecords r = target.inventory().loadAll();
                LOG.debug("read the inventories in {} ms", millis(start));
                return r;
            } catch (InventoryException e) {
                throw new CompletionException(e);
            }
        });
        return live.thenCombine(inventories, Observation::new);
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}

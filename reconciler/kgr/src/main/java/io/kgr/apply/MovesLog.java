package io.kgr.apply;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kgr.inventory.InventoryStore;
import io.kgr.inventory.Moves;

/**
 * Where apply records the replica moves a source starts and the throttles it sets for them, before it sets the first
 * (see {@link Moves}): one record per source and cluster, in the inventory store.
 */
record MovesLog(InventoryStore store, String cluster, String source) {
    /** The source's record now, if it has moves in flight from an earlier run. */
    Optional<Moves> current() throws InventoryStore.InventoryException {
        return store.loadAll().moves(cluster).stream().filter(m -> m.source().equals(source)).findFirst();
    }

    /** Adds moves and throttles to the source's record (an earlier run's moves may still be in flight) and saves it. */
    Moves add(SortedMap<String, SortedSet<Integer>> partitions, SortedSet<Integer> off, List<Moves.Throttle> throttles)
            throws InventoryStore.InventoryException {
        Optional<Moves> before = current();
        TreeMap<String, SortedSet<Integer>> allPartitions = new TreeMap<>();
        TreeSet<Integer> allOff = new TreeSet<>(off);
        LinkedHashSet<Moves.Throttle> allThrottles = new LinkedHashSet<>();
        before.ifPresent(b -> {
            b.partitions().forEach((t, ps) -> allPartitions.computeIfAbsent(t, k -> new TreeSet<>()).addAll(ps));
            allOff.addAll(b.off());
            allThrottles.addAll(b.throttles());
        });
        partitions.forEach((t, ps) -> allPartitions.computeIfAbsent(t, k -> new TreeSet<>()).addAll(ps));
        allThrottles.addAll(throttles);
        Moves moves = new Moves(cluster, source, before.map(Moves::startedAt).orElse(Instant.now().toString()),
                allPartitions, allOff, new ArrayList<>(allThrottles));
        store.saveMoves(moves);
        return moves;
    }

    void clear() throws InventoryStore.InventoryException {
        store.clearMoves(cluster, source);
    }
}

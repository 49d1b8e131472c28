package io.kgr.inventory;

import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Every inventory stored on a cluster, and a version that changes whenever any of them is written. */
/**
 * @param keys side records by record key: sources' secret keys ({@code <cluster>/<source>#key}), moves in flight
 *             ({@code #moves}) and commits approved through the API ({@code #approvals}); never printed
 */
public record InventoryRecords(List<Inventory> all, String version, Map<String, String> keys,
                               Map<String, Long> offsets) {
    public InventoryRecords {
        all = List.copyOf(all);
        keys = Map.copyOf(keys);
        offsets = Map.copyOf(offsets);
    }

    public InventoryRecords(List<Inventory> all, String version) {
        this(all, version, Map.of(), Map.of());
    }

    /**
     * Where {@code source}'s inventory of {@code cluster} was written in the store's order (lower = earlier): of two
     * sources that both claim a resource, the one that wrote first keeps it. {@code Long.MAX_VALUE} when unknown.
     */
    public long writtenAt(String cluster, String source) {
        return offsets.getOrDefault(cluster + "/" + source, Long.MAX_VALUE);
    }

    public static InventoryRecords none() {
        return new InventoryRecords(List.of(), "none");
    }

    /** Never printed: the keys pin passwords in plans. */
    @Override
    public String toString() {
        return "InventoryRecords[" + all.size() + " inventories, version=" + version + "]";
    }

    /** The secret key of {@code source} on {@code cluster} ("" before its first apply). */
    public String key(String cluster, String source) {
        return keys.getOrDefault(cluster + "/" + source + KafkaInventoryStore.KEY_SUFFIX, "");
    }

    /** Every source's moves in flight on {@code cluster} (see {@link Moves}), by source. */
    public List<Moves> moves(String cluster) {
        List<Moves> out = new ArrayList<>();
        keys.forEach((key, value) -> {
            if (key.startsWith(cluster + "/") && key.endsWith(KafkaInventoryStore.MOVES_SUFFIX)) {
                out.add(Moves.fromJson(value.getBytes(StandardCharsets.UTF_8)));
            }
        });
        out.sort(Comparator.comparing(Moves::source));
        return out;
    }

    /** The commits approved through the API for {@code source}'s held steps on {@code cluster}, oldest first. */
    public List<String> approvals(String cluster, String source) {
        String value = keys.getOrDefault(cluster + "/" + source + KafkaInventoryStore.APPROVALS_SUFFIX, "");
        return value.isBlank() ? List.of() : List.of(value.split("\n"));
    }

    /** This source's inventory for {@code cluster} (empty if it never applied), and the other sources' ones. */
    public Inventories select(String cluster, String source) {
        Inventory own = Inventory.empty(cluster, source);
        List<Inventory> others = new ArrayList<>();
        for (Inventory i : all) {
            if (!i.cluster().equals(cluster)) continue;
            if (i.source().equals(source)) own = i;
            else others.add(i);
        }
        others.sort(Comparator.comparing(Inventory::source));
        return new Inventories(own, others, version, key(cluster, source), moves(cluster));
    }
}

package io.kgr.status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every inventory stored on a cluster, and a version that changes whenever any of them is written. */
public record InventoryRecords(List<Inventory> all, String version) {
    public InventoryRecords {
        all = List.copyOf(all);
    }

    public static InventoryRecords none() {
        return new InventoryRecords(List.of(), "none");
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
        return new Inventories(own, others, version);
    }
}

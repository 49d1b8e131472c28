package io.kgr.kube;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

import io.kgr.desired.ClusterSpec;

/**
 * Node ids of a cluster's pools, by Strimzi's rules: a node keeps its id for life; ids are unique across the cluster;
 * scaling up takes ids from the pool's {@code strimzi.io/next-node-ids} ranges if given, else the lowest free id;
 * scaling down removes the ids in {@code strimzi.io/remove-node-ids} first, else the highest.
 */
public final class NodeIds {
    private NodeIds() {
    }

    /**
     * @param existing the ids each pool's nodes have now (from the live pod sets); pools not there start empty
     * @return the ids each pool should have, in pool order
     */
    public static Map<String, SortedSet<Integer>> assign(List<ClusterSpec.Pool> pools, Map<String, SortedSet<Integer>> existing) {
        Map<String, SortedSet<Integer>> out = new LinkedHashMap<>();
        TreeSet<Integer> used = new TreeSet<>();
        existing.values().forEach(used::addAll); // ids of removed pools and nodes are not reused in the same change
        for (ClusterSpec.Pool p : pools) {
            TreeSet<Integer> ids = new TreeSet<>(existing.getOrDefault(p.name(), new TreeSet<>()));
            if (ids.size() > p.replicas()) {
                List<Integer> preferred = p.removeNodeIds().map(NodeIds::ranges).orElse(List.of());
                for (Integer id : preferred) {
                    if (ids.size() > p.replicas()) ids.remove(id);
                }
                while (ids.size() > p.replicas()) ids.remove(ids.last());
            }
            out.put(p.name(), ids);
        }
        for (ClusterSpec.Pool p : pools) {
            SortedSet<Integer> ids = out.get(p.name());
            List<Integer> preferred = p.nextNodeIds().map(NodeIds::ranges).orElse(List.of());
            for (Integer id : preferred) {
                if (ids.size() < p.replicas() && !used.contains(id)) {
                    ids.add(id);
                    used.add(id);
                }
            }
            int candidate = 0;
            while (ids.size() < p.replicas()) {
                while (used.contains(candidate)) candidate++;
                ids.add(candidate);
                used.add(candidate);
            }
        }
        return out;
    }

    /** {@code [0, 10-12]} → 0, 10, 11, 12 (Strimzi's annotation format; brackets optional). */
    public static List<Integer> ranges(String text) {
        List<Integer> out = new ArrayList<>();
        for (String part : text.replace("[", "").replace("]", "").split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int dash = p.indexOf('-');
            try {
                if (dash > 0) {
                    int from = Integer.parseInt(p.substring(0, dash).trim());
                    int to = Integer.parseInt(p.substring(dash + 1).trim());
                    for (int i = from; i <= to; i++) out.add(i);
                } else {
                    out.add(Integer.parseInt(p));
                }
            } catch (NumberFormatException e) {
                // an unreadable range is ignored, as Strimzi does (the default rule applies)
            }
        }
        return out;
    }
}

package io.kgr.observe;

import java.util.List;

/** One partition as the broker reports it; {@code leader} is -1 when the partition has none. */
public record LivePartition(int partition, int leader, List<Integer> replicas, List<Integer> isr) {
    public LivePartition {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}

package io.kgr.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import io.kgr.plan.Change;
import io.kgr.plan.Change.AlterTopicConfig;
import io.kgr.plan.Change.ChangeReplicationFactor;
import io.kgr.plan.Change.CreateTopic;
import io.kgr.plan.Change.IncreasePartitions;
import io.kgr.plan.Step;

/**
 * Splits a batch so that no request makes the controller write more metadata records than it accepts (10,000):
 * a topic costs 1 + partitions + configs, a new partition, a config change, a moved partition or a deleted topic 1.
 */
final class Batches {
    private Batches() {
    }

    static List<List<Step>> chunks(List<Step> steps, int maxRecords) {
        return slices(steps, maxRecords, s -> records(s.change()));
    }

    /** Consecutive slices of {@code items}, each costing at most {@code maxRecords} (an item alone may cost more). */
    static <T> List<List<T>> slices(List<T> items, int maxRecords, ToIntFunction<T> cost) {
        List<List<T>> out = new ArrayList<>();
        List<T> current = new ArrayList<>();
        int records = 0;
        for (T item : items) {
            int c = cost.applyAsInt(item);
            if (!current.isEmpty() && records + c > maxRecords) {
                out.add(current);
                current = new ArrayList<>();
                records = 0;
            }
            current.add(item);
            records += c;
        }
        if (!current.isEmpty()) out.add(current);
        return out;
    }

    static int records(Change change) {
        if (change instanceof CreateTopic c) return 1 + (c.partitions() == null ? 1 : c.partitions()) + c.config().size();
        if (change instanceof IncreasePartitions c) return c.to() - c.from();
        if (change instanceof AlterTopicConfig c) return Math.max(1, c.set().size() + c.delete().size());
        if (change instanceof Change.Reassignment c) return c.assignment().size();
        return 1;
    }
}

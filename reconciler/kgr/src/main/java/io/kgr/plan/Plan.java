package io.kgr.plan;

import java.util.List;

/** An ordered list of steps computed from Git and the live state; a value, applied later by {@code apply}. */
public record Plan(PlanHeader header, List<Step> steps, List<Refusal> refusals, List<Unmanaged> unmanaged,
                   List<String> notes) {
    public static final int FORMAT_VERSION = 1;

    public Plan {
        steps = List.copyOf(steps);
        refusals = List.copyOf(refusals);
        unmanaged = List.copyOf(unmanaged);
        notes = List.copyOf(notes);
    }

    /** The same plan with more notes. */
    public Plan withNotes(List<String> more) {
        List<String> all = new java.util.ArrayList<>(notes);
        all.addAll(more);
        return new Plan(header, steps, refusals, unmanaged, all);
    }

    public boolean hasChanges() {
        return !steps.isEmpty();
    }

    public boolean isRefused() {
        return !refusals.isEmpty();
    }

    /** Steps of one action on the cluster; the inventory record is kgr's own bookkeeping and is not counted. */
    public long count(Action action) {
        return steps.stream().filter(s -> !(s.change() instanceof Change.UpdateInventory))
                .filter(s -> s.change().action() == action).count();
    }
}

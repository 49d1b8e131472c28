package io.kgr.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/** An ordered list of steps computed from Git and the live state; a value, applied later by {@code apply}. */
public record Plan(PlanHeader header, List<Step> steps, List<Refusal> refusals, List<Unmanaged> unmanaged,
                   List<String> notes, Set<Flag> flags) {
    public static final int FORMAT_VERSION = 1;

    /** What a plan says of itself that other code acts on: typed, so that no control flow reads a note's words. */
    public enum Flag {
        /** Made without the cluster's brokers (a new cluster): its topics and users are planned once they answer. */
        KAFKA_PENDING
    }

    /**
     * The order of a plan's steps where dependencies leave a choice: by phase, then by kind (in the order
     * {@link Change.Kind} declares them), then by subject.
     */
    public static final Comparator<Step> ORDER = (a, b) -> {
        int c = a.phase().compareTo(b.phase());
        if (c == 0) c = a.change().type().compareTo(b.change().type());
        return c != 0 ? c : a.change().subject().compareTo(b.change().subject());
    };

    /**
     * The steps in plan order: every step after the steps it depends on, and among the steps whose dependencies are
     * met the first by {@link #ORDER}. Dependencies point to the same or an earlier phase, so phases never go back.
     * Dependencies on steps that are not in the list are left for {@link Plan}'s constructor to reject.
     */
    public static List<Step> ordered(Collection<Step> steps) {
        if (steps.stream().allMatch(s -> s.dependsOn().isEmpty())) return steps.stream().sorted(ORDER).toList();
        Map<String, Step> byId = new HashMap<>();
        for (Step s : steps) byId.put(s.id(), s);
        Map<String, Integer> waitingFor = new HashMap<>();
        Map<String, List<Step>> dependants = new HashMap<>();
        PriorityQueue<Step> ready = new PriorityQueue<>(ORDER);
        List<Step> unordered = new ArrayList<>();
        for (Step s : steps) {
            int known = 0;
            for (String d : new LinkedHashSet<>(s.dependsOn())) {
                if (!byId.containsKey(d)) continue;
                known++;
                dependants.computeIfAbsent(d, x -> new ArrayList<>()).add(s);
            }
            if (known == 0) ready.add(s);
            else waitingFor.put(s.id(), known);
        }
        List<Step> out = new ArrayList<>(steps.size());
        while (!ready.isEmpty()) {
            Step next = ready.poll();
            out.add(next);
            for (Step d : dependants.getOrDefault(next.id(), List.of())) {
                if (waitingFor.merge(d.id(), -1, Integer::sum) == 0) ready.add(d);
            }
        }
        // a cycle: left in the list's order after the rest, for the constructor to name
        for (Step s : steps) if (waitingFor.getOrDefault(s.id(), 0) > 0) unordered.add(s);
        out.addAll(unordered);
        return out;
    }

    public Plan(PlanHeader header, List<Step> steps, List<Refusal> refusals, List<Unmanaged> unmanaged, List<String> notes) {
        this(header, steps, refusals, unmanaged, notes, Set.of());
    }

    public Plan {
        flags = flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
        steps = List.copyOf(steps);
        checkOrder(steps);
        refusals = List.copyOf(refusals);
        unmanaged = List.copyOf(unmanaged);
        notes = List.copyOf(notes);
    }

    /**
     * Order is data, and a plan that breaks it is a bug, never applied: phases never go back, ids are unique, and a
     * step depends only on steps before it (apply runs them in list order and skips the dependants of a failure).
     */
    private static void checkOrder(List<Step> steps) {
        Set<String> before = new HashSet<>();
        Phase phase = null;
        for (Step s : steps) {
            if (phase != null && s.phase().compareTo(phase) < 0) {
                throw new IllegalArgumentException("plan order: step " + s.id() + " (" + s.phase() + ") comes after a "
                        + phase + " step");
            }
            for (String d : s.dependsOn()) {
                if (!before.contains(d)) {
                    throw new IllegalArgumentException("plan order: step " + s.id() + " depends on " + d
                            + ", which is not an earlier step of the plan");
                }
            }
            if (!before.add(s.id())) throw new IllegalArgumentException("plan order: two steps have the id " + s.id());
            phase = s.phase();
        }
    }

    /** The same plan with more notes. */
    public Plan withNotes(List<String> more) {
        List<String> all = new ArrayList<>(notes);
        all.addAll(more);
        return new Plan(header, steps, refusals, unmanaged, all, flags);
    }

    public boolean has(Flag flag) {
        return flags.contains(flag);
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

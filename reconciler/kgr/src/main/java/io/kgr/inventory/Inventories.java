package io.kgr.inventory;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The inventories of every source that applies to one cluster: this run's own, and the others' (to avoid two
 * sources fighting over one topic). {@code version} changes whenever any of them is written.
 */
public record Inventories(Inventory own, List<Inventory> others, String version, String key, List<Moves> moves) {
    public Inventories {
        others = List.copyOf(others);
        moves = List.copyOf(moves);
    }

    public Inventories(Inventory own, List<Inventory> others, String version, String key) {
        this(own, others, version, key, List.of());
    }

    public Inventories(Inventory own, List<Inventory> others, String version) {
        this(own, others, version, "");
    }

    /** The moves in flight that kgr's sources started on this cluster, with the throttles they set. */
    public List<Moves> movesInFlight() {
        return moves;
    }

    /** Never printed: the key pins passwords in plans. */
    @Override
    public String toString() {
        return "Inventories[own=" + own.source() + ", others=" + others.size() + ", version=" + version + "]";
    }

    /** {@code own}'s users as a plan records them: with {@link ManagedUser#KEEP} for a stored hash. */
    public SortedMap<String, ManagedUser> ownUsersAsPlanned() {
        TreeMap<String, ManagedUser> out = new TreeMap<>();
        own.users().forEach((n, u) -> out.put(n, u.withPasswordHash(u.passwordHash().isEmpty() ? "" : ManagedUser.KEEP)));
        return out;
    }

    /** The other source that manages {@code user}, if any. */
    public Optional<String> otherUserOwner(String user) {
        return others.stream().filter(i -> i.ownsUser(user)).map(Inventory::source).findFirst();
    }

    /** How this run's source takes over what {@code other} owns: the exact command, for refusals. */
    public String handOverHint(String other) {
        return "if '" + other + "' is this repository under another name (an older kgr named sources after the checkout"
                + " path), hand its resources over: kgr inventory hand-over --cluster " + own.cluster() + " --from '" + other
                + "' --to '" + own.source() + "' --bootstrap-server … (a dry run; add --auto-approve)";
    }

    /** The other source that owns {@code topic}, if any. */
    public Optional<String> otherOwner(String topic) {
        for (Inventory other : others) { // asked once a topic: a loop, not a stream, for 10,000 of them
            if (other.owns(topic)) return Optional.of(other.source());
        }
        return Optional.empty();
    }
}

package io.kgr.status;

import java.util.List;
import java.util.Optional;

/**
 * The inventories of every source that applies to one cluster: this run's own, and the others' (to avoid two
 * sources fighting over one topic). {@code version} changes whenever any of them is written.
 */
public record Inventories(Inventory own, List<Inventory> others, String version) {
    public Inventories {
        others = List.copyOf(others);
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
        return others.stream().filter(i -> i.owns(topic)).map(Inventory::source).findFirst();
    }
}

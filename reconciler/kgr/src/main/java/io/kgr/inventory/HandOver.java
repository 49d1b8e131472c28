package io.kgr.inventory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Moving what one source owns on a cluster to another source (a renamed source, a repository that moved, an inventory
 * made under an older kgr's path-derived name): a value computed first, shown, and only then written.
 *
 * @param merged    the receiving source's inventory afterwards
 * @param topics    topics that change owner
 * @param users     users that change owner
 * @param conflicts resources both sources claim; the receiving source keeps its own record of them
 */
public record HandOver(Inventory from, Inventory merged, List<String> topics, List<String> users, List<String> conflicts) {

    public static HandOver of(InventoryRecords records, String cluster, String from, String to, Instant now) {
        Inventories view = records.select(cluster, to);
        Inventory giver = view.others().stream().filter(i -> i.source().equals(from)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("cluster " + cluster + " has no inventory of source '" + from
                        + "'; kgr inventory list shows which sources it has"));
        Inventory receiver = view.own();
        TreeMap<String, String> topics = new TreeMap<>(giver.topics());
        topics.putAll(receiver.topics());
        TreeMap<String, ManagedUser> users = new TreeMap<>(giver.users());
        users.putAll(receiver.users());
        List<String> conflicts = new ArrayList<>();
        giver.topics().keySet().stream().filter(receiver::owns).forEach(t -> conflicts.add("topic " + t));
        giver.users().keySet().stream().filter(receiver::ownsUser).forEach(u -> conflicts.add("user " + u));
        String commit = receiver.commit().isEmpty() ? giver.commit() : receiver.commit();
        TreeMap<String, String> adopted = new TreeMap<>(giver.adopted());
        adopted.putAll(receiver.adopted());
        Inventory merged = new Inventory(cluster, to, commit, now, topics, users, adopted);
        return new HandOver(giver, merged, giver.topics().keySet().stream().filter(t -> !receiver.owns(t)).toList(),
                giver.users().keySet().stream().filter(u -> !receiver.ownsUser(u)).toList(), List.copyOf(conflicts));
    }

    public boolean isEmpty() {
        return topics.isEmpty() && users.isEmpty();
    }
}

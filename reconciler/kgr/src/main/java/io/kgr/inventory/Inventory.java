package io.kgr.inventory;

import java.time.Instant;
import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one source has applied to one cluster: the proof of ownership that pruning needs. kgr only ever deletes
 * topics, ACLs, quotas and credentials that are in its own source's inventory.
 *
 * @param topics managed topic name → the manifest's metadata.name it came from (to notice renames)
 * @param users  managed user name → what kgr applied for it
 * @param adopted managed topics kgr did not create but took over because Git declared them → the commit it did so at
 * @param brokerKeys cluster-wide dynamic broker settings this source's Kafka manifest made kgr set: a key that leaves
 *                   Git is deleted from the brokers, and stays here until that deletion succeeded
 */
public record Inventory(String cluster, String source, String commit, Instant appliedAt,
                        SortedMap<String, String> topics, SortedMap<String, ManagedUser> users,
                        SortedMap<String, String> adopted, SortedSet<String> brokerKeys) {
    public Inventory {
        brokerKeys = Collections.unmodifiableSortedSet(new TreeSet<>(brokerKeys));
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
        users = Collections.unmodifiableSortedMap(new TreeMap<>(users));
        TreeMap<String, String> ownAdopted = new TreeMap<>(adopted);
        ownAdopted.keySet().retainAll(topics.keySet());
        adopted = Collections.unmodifiableSortedMap(ownAdopted);
    }

    public Inventory(String cluster, String source, String commit, Instant appliedAt,
                     SortedMap<String, String> topics, SortedMap<String, ManagedUser> users,
                     SortedMap<String, String> adopted) {
        this(cluster, source, commit, appliedAt, topics, users, adopted, new TreeSet<>());
    }

    public Inventory(String cluster, String source, String commit, Instant appliedAt,
                     SortedMap<String, String> topics, SortedMap<String, ManagedUser> users) {
        this(cluster, source, commit, appliedAt, topics, users, new TreeMap<>());
    }

    public Inventory(String cluster, String source, String commit, Instant appliedAt, SortedMap<String, String> topics) {
        this(cluster, source, commit, appliedAt, topics, new TreeMap<>());
    }

    public static Inventory empty(String cluster, String source) {
        return new Inventory(cluster, source, "", Instant.EPOCH, new TreeMap<>());
    }

    public boolean owns(String topic) {
        return topics.containsKey(topic);
    }

    public boolean ownsUser(String user) {
        return users.containsKey(user);
    }
}

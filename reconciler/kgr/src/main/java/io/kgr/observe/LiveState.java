package io.kgr.observe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kgr.model.AclRule;

/**
 * What the Kafka cluster holds now: brokers, topics (internal ones too, which kgr never manages), SCRAM users with their mechanisms, ACLs and user
 * quotas, all sorted.
 *
 * @param aclsEnabled false when the cluster has no authorizer (ACLs can then be neither read nor written)
 */
/**
 * What a Kafka cluster holds, read in bulk.
 *
 * @param brokerDefaults   cluster-wide dynamic broker settings
 * @param activeController the node id of the KRaft quorum's leader, -1 when unknown (or a ZooKeeper cluster)
 * @param topicDefaults    what a topic without an override of a key gets (the broker's effective default), for the
 *                         keys whose change can lose data (retention, cleanup policy); empty when no topic showed it
 * @param metadataVersionLevel the finalized {@code metadata.version} feature level, -1 when unknown: no release older
 *                         than the one that introduced it can run the cluster any more
 * @param fencedBrokers    brokers still registered with the cluster that do not run (fenced): not in {@code brokers}
 */
public record LiveState(String clusterId, SortedSet<Integer> brokers, SortedMap<String, LiveTopic> topics,
                        SortedMap<String, SortedSet<String>> scramUsers, List<AclRule> acls, boolean aclsEnabled,
                        SortedMap<String, SortedMap<String, Double>> userQuotas, SortedMap<String, String> brokerDefaults,
                        int activeController, SortedMap<String, String> topicDefaults, short metadataVersionLevel,
                        SortedSet<Integer> fencedBrokers) {
    /** The topic keys whose broker default kgr needs to tell a data-losing change from a harmless one. */
    public static final Set<String> RISKY_TOPIC_KEYS = Set.of("retention.ms", "retention.bytes",
            "local.retention.ms", "local.retention.bytes", "cleanup.policy");

    public LiveState(String clusterId, SortedSet<Integer> brokers, SortedMap<String, LiveTopic> topics,
                     SortedMap<String, SortedSet<String>> scramUsers, List<AclRule> acls, boolean aclsEnabled,
                     SortedMap<String, SortedMap<String, Double>> userQuotas, SortedMap<String, String> brokerDefaults,
                     int activeController, SortedMap<String, String> topicDefaults, short metadataVersionLevel) {
        this(clusterId, brokers, topics, scramUsers, acls, aclsEnabled, userQuotas, brokerDefaults, activeController,
                topicDefaults, metadataVersionLevel, new TreeSet<>());
    }

    public LiveState(String clusterId, SortedSet<Integer> brokers, SortedMap<String, LiveTopic> topics,
                     SortedMap<String, SortedSet<String>> scramUsers, List<AclRule> acls, boolean aclsEnabled,
                     SortedMap<String, SortedMap<String, Double>> userQuotas, SortedMap<String, String> brokerDefaults,
                     int activeController, SortedMap<String, String> topicDefaults) {
        this(clusterId, brokers, topics, scramUsers, acls, aclsEnabled, userQuotas, brokerDefaults, activeController,
                topicDefaults, (short) -1);
    }

    public LiveState(String clusterId, SortedSet<Integer> brokers, SortedMap<String, LiveTopic> topics,
                     SortedMap<String, SortedSet<String>> scramUsers, List<AclRule> acls, boolean aclsEnabled,
                     SortedMap<String, SortedMap<String, Double>> userQuotas, SortedMap<String, String> brokerDefaults,
                     int activeController) {
        this(clusterId, brokers, topics, scramUsers, acls, aclsEnabled, userQuotas, brokerDefaults, activeController,
                new TreeMap<>());
    }

    public LiveState(String clusterId, SortedSet<Integer> brokers, SortedMap<String, LiveTopic> topics,
                     SortedMap<String, SortedSet<String>> scramUsers, List<AclRule> acls, boolean aclsEnabled,
                     SortedMap<String, SortedMap<String, Double>> userQuotas) {
        this(clusterId, brokers, topics, scramUsers, acls, aclsEnabled, userQuotas, new TreeMap<>(), -1);
    }

    public LiveState {
        brokerDefaults = Collections.unmodifiableSortedMap(new TreeMap<>(brokerDefaults));
        topicDefaults = Collections.unmodifiableSortedMap(new TreeMap<>(topicDefaults));
        brokers = Collections.unmodifiableSortedSet(new TreeSet<>(brokers));
        fencedBrokers = Collections.unmodifiableSortedSet(new TreeSet<>(fencedBrokers));
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
        scramUsers = Collections.unmodifiableSortedMap(new TreeMap<>(scramUsers));
        acls = acls.stream().sorted().distinct().toList();
        userQuotas = Collections.unmodifiableSortedMap(new TreeMap<>(userQuotas));
    }

    /** A cluster state with topics only (no users, ACLs or quotas). */
    public LiveState(String clusterId, SortedSet<Integer> brokers, SortedMap<String, LiveTopic> topics) {
        this(clusterId, brokers, topics, new TreeMap<>(), List.of(), true, new TreeMap<>());
    }

    /** The bindings of one principal: {@code acls} is sorted by principal first, so they are one run found by bisection. */
    public List<AclRule> aclsOf(String principal) {
        int low = 0, high = acls.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (acls.get(mid).principal().compareTo(principal) < 0) low = mid + 1;
            else high = mid;
        }
        int end = low;
        while (end < acls.size() && acls.get(end).principal().equals(principal)) end++;
        return acls.subList(low, end);
    }

    /**
     * A hash of everything a plan depends on: brokers, partitions with their replica lists, overrides, SCRAM users,
     * ACLs and quotas. Leaders and ISRs move on their own and are left out, so that a saved plan is not refused for that.
     */
    public String fingerprint() {
        // one buffer hashed once: 10,000 topics made ≈ 40,000 small digest updates (the bytes hashed are the same)
        StringBuilder all = new StringBuilder(64 * (topics.size() + 16));
        line(all, "cluster:" + clusterId);
        line(all, "brokers:" + brokers);
        if (!fencedBrokers.isEmpty()) line(all, "fenced:" + fencedBrokers);
        for (LiveTopic t : topics.values()) {
            line(all, "topic:" + t.name());
            for (LivePartition p : t.partitions()) all.append(p.partition()).append(':').append(p.replicas()).append('\n');
            t.reassigning().forEach((p, moving) -> line(all, "moving:" + p + ":" + moving));
            t.overrides().forEach((k, v) -> all.append("config:").append(k).append('=').append(v).append('\n'));
        }
        scramUsers.forEach((u, m) -> line(all, "scram:" + u + "=" + m));
        acls.forEach(a -> line(all, "acl:" + a));
        userQuotas.forEach((u, q) -> line(all, "quota:" + u + "=" + q));
        brokerDefaults.forEach((k, v) -> line(all, "broker-default:" + k + "=" + v));
        return HexFormat.of().formatHex(sha256().digest(all.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static void line(StringBuilder all, String s) {
        all.append(s).append('\n');
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

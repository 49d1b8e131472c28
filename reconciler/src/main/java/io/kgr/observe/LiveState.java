package io.kgr.observe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** What the Kafka cluster holds now: its brokers and its (non-internal) topics, sorted by name. */
public record LiveState(String clusterId, SortedSet<Integer> brokers, SortedMap<String, LiveTopic> topics) {
    public LiveState {
        brokers = Collections.unmodifiableSortedSet(new TreeSet<>(brokers));
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
    }

    /**
     * A hash of everything a plan depends on: brokers, partitions with their replica lists, and overrides.
     * Leaders and ISRs move on their own and are left out, so that a saved plan is not refused for that.
     */
    public String fingerprint() {
        MessageDigest d = sha256();
        update(d, "cluster:" + clusterId);
        update(d, "brokers:" + brokers);
        for (LiveTopic t : topics.values()) {
            update(d, "topic:" + t.name());
            for (LivePartition p : t.partitions()) update(d, p.partition() + ":" + p.replicas());
            t.overrides().forEach((k, v) -> update(d, "config:" + k + "=" + v));
        }
        return HexFormat.of().formatHex(d.digest());
    }

    static void update(MessageDigest d, String s) {
        d.update(s.getBytes(StandardCharsets.UTF_8));
        d.update((byte) '\n');
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

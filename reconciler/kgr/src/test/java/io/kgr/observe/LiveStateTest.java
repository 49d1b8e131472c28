package io.kgr.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class LiveStateTest {
    /** A saved plan carries the fingerprint of what it was made from: its text must not change between kgr builds. */
    @Test
    void theFingerprintHashesOneLineForEachThingAPlanDependsOn() throws Exception {
        TreeMap<String, LiveTopic> topics = new TreeMap<>();
        topics.put("orders", new LiveTopic("orders", List.of(new LivePartition(0, 1, List.of(1, 2), List.of(1, 2)),
                new LivePartition(1, 2, List.of(2, 0), List.of(2))), new TreeMap<>(java.util.Map.of("retention.ms", "1000",
                "cleanup.policy", "compact")), new TreeMap<>(java.util.Map.of(1, List.of(2, 0, 1)))));
        TreeMap<String, java.util.SortedSet<String>> scram = new TreeMap<>();
        scram.put("alice", new TreeSet<>(List.of("SCRAM-SHA-512")));
        TreeMap<String, java.util.SortedMap<String, Double>> quotas = new TreeMap<>();
        quotas.put("alice", new TreeMap<>(java.util.Map.of("producer_byte_rate", 1024.0)));
        LiveState live = new LiveState("id-1", new TreeSet<>(List.of(0, 1, 2)), topics, scram, List.of(), true, quotas,
                new TreeMap<>(java.util.Map.of("log.retention.ms", "7")), 0);
        String lines = "cluster:id-1\nbrokers:[0, 1, 2]\ntopic:orders\n0:[1, 2]\n1:[2, 0]\nmoving:1:[2, 0, 1]\n"
                + "config:cleanup.policy=compact\nconfig:retention.ms=1000\nscram:alice=[SCRAM-SHA-512]\n"
                + "quota:alice={producer_byte_rate=1024.0}\nbroker-default:log.retention.ms=7\n";
        assertThat(live.fingerprint()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(lines.getBytes(StandardCharsets.UTF_8))));
        // leaders and in-sync replicas move on their own: not part of it
        topics.put("orders", new LiveTopic("orders", List.of(new LivePartition(0, 2, List.of(1, 2), List.of(2)),
                new LivePartition(1, 0, List.of(2, 0), List.of(2, 0))), topics.get("orders").overrides(),
                topics.get("orders").reassigning()));
        assertThat(new LiveState("id-1", live.brokers(), topics, scram, List.of(), true, quotas, live.brokerDefaults(), 1)
                .fingerprint()).isEqualTo(live.fingerprint());
    }
}

package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kgr.inventory.Inventory;
import io.kgr.inventory.InventoryRecords;
import io.kgr.inventory.KafkaInventoryStore;
import io.kgr.inventory.ManagedUser;
import io.kgr.model.AclRule;

/**
 * The inventory store on a real broker: what one kgr writes, another reads; a store reads on from where it stopped;
 * a removal is a tombstone; the order of writes decides which of two claims came first. One broker for the class;
 * every test uses clusters of its own names in the one inventory topic, as several kgr sources do.
 */
class KafkaInventoryStoreTest {
    private static EmbeddedKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(1);
        admin = kafka.admin();
        try (KafkaInventoryStore first = store()) {
            assertThat(first.loadAll().all()).as("no topic yet: no inventories, and nothing fails").isEmpty();
            first.prepare();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        kafka.close();
    }

    private static KafkaInventoryStore store() {
        return new KafkaInventoryStore(admin, kafka.clientProperties(Map.of()), Duration.ofSeconds(30));
    }

    private static Inventory inventory(String cluster, String source, String commit, String... topics) {
        TreeMap<String, String> owned = new TreeMap<>();
        for (String t : topics) owned.put(t, t);
        return new Inventory(cluster, source, commit, Instant.parse("2026-12-07T00:00:00Z"), owned);
    }

    private static Optional<Inventory> find(InventoryRecords records, String cluster, String source) {
        return records.all().stream().filter(i -> i.cluster().equals(cluster) && i.source().equals(source)).findFirst();
    }

    @Test
    void theTopicIsCompactedAndWhatOneKgrWritesAnotherReads() throws Exception {
        Inventory written = new Inventory("rw", "repo-a", "c1", Instant.parse("2026-12-07T00:00:00Z"),
                new TreeMap<>(Map.of("orders", "orders")),
                new TreeMap<>(Map.of("alice", new ManagedUser("User:alice", "SCRAM-SHA-512", "", List.of(new AclRule(
                        "User:alice", "*", "READ", "ALLOW", "TOPIC", "orders", "LITERAL")), new TreeSet<>(), true))));
        try (KafkaInventoryStore writer = store()) {
            writer.save(written, Optional.of("a-source-key"));
        }
        try (KafkaInventoryStore reader = store()) {
            InventoryRecords read = reader.loadAll();
            assertThat(find(read, "rw", "repo-a")).contains(written);
            assertThat(read.key("rw", "repo-a")).isEqualTo("a-source-key");
            assertThat(read.all()).as("a key is no inventory").noneMatch(i -> i.source().contains("#key"));
        }
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, KafkaInventoryStore.TOPIC);
        var config = admin.describeConfigs(Set.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config.get("segment.ms").value()).isEqualTo("3600000");
    }

    @Test
    void aStoreSeesAnotherSourcesWritesAndAnswersFromMemoryWhenNothingChanged() throws Exception {
        try (KafkaInventoryStore a = store(); KafkaInventoryStore b = store()) {
            a.save(inventory("mem", "repo-a", "c1", "t1"));
            InventoryRecords first = a.loadAll();
            assertThat(a.loadAll()).as("nothing written since: the same answer, read again from nothing")
                    .isSameAs(first);

            b.save(inventory("mem", "repo-b", "c1", "t2"));
            InventoryRecords second = a.loadAll();
            assertThat(second).isNotSameAs(first);
            assertThat(find(second, "mem", "repo-b")).map(Inventory::topics).contains(new TreeMap<>(Map.of("t2", "t2")));
            assertThat(second.version()).isNotEqualTo(first.version());

            a.save(inventory("mem", "repo-a", "c2", "t1", "t3"));
            assertThat(find(a.loadAll(), "mem", "repo-a")).map(Inventory::commit).contains("c2");
        }
    }

    @Test
    void ofTwoClaimsTheEarlierWriteIsKnownAsEarlier() throws Exception {
        try (KafkaInventoryStore a = store(); KafkaInventoryStore b = store()) {
            a.loadAll();
            b.save(inventory("race", "repo-b", "c1", "shared"));
            a.save(inventory("race", "repo-a", "c1", "shared"));
            InventoryRecords back = a.readBack();
            assertThat(find(back, "race", "repo-b")).as("a write between a's read and its own is read back").isPresent();
            assertThat(back.writtenAt("race", "repo-b")).isLessThan(back.writtenAt("race", "repo-a"));
        }
    }

    @Test
    void aRemovedInventoryAndItsKeyAreGoneForEveryReader() throws Exception {
        try (KafkaInventoryStore a = store()) {
            a.save(inventory("gone", "repo-a", "c1", "t"), Optional.of("k"));
            assertThat(find(a.loadAll(), "gone", "repo-a")).isPresent();
            a.delete("gone", "repo-a");
            assertThat(find(a.loadAll(), "gone", "repo-a")).isEmpty();
        }
        try (KafkaInventoryStore fresh = store()) {
            InventoryRecords read = fresh.loadAll();
            assertThat(find(read, "gone", "repo-a")).isEmpty();
            assertThat(read.key("gone", "repo-a")).isEmpty();
        }
    }
}

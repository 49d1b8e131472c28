package io.kgr.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.kgr.model.AclRule;

class InventoryCodecTest {
    private static Inventory inventory(boolean adopted) {
        TreeMap<String, String> topics = new TreeMap<>();
        topics.put("orders", "orders");
        topics.put("payments.v2", "payments");
        TreeMap<String, ManagedUser> users = new TreeMap<>();
        users.put("app", new ManagedUser("User:app", "SCRAM-SHA-512", "h", List.of(new AclRule("User:app", "*", "READ",
                "ALLOW", "TOPIC", "orders", "LITERAL")), new TreeSet<>(List.of("producer_byte_rate")), true));
        TreeMap<String, String> taken = new TreeMap<>();
        if (adopted) taken.put("orders", "abc123");
        return new Inventory("prod", "dir:/repo", "abc123", Instant.parse("2026-12-03T10:15:30.123Z"), topics, users, taken);
    }

    @Test
    void writesTheRecordFormatOlderKgrReads() {
        // format version 1, fields in this order, "adopted" only when there is something in it
        assertThat(new String(InventoryCodec.write(inventory(true)), StandardCharsets.UTF_8)).isEqualTo("{\"formatVersion\":1,"
                + "\"cluster\":\"prod\",\"source\":\"dir:/repo\",\"commit\":\"abc123\",\"appliedAt\":\"2026-12-03T10:15:30.123Z\","
                + "\"topics\":{\"orders\":\"orders\",\"payments.v2\":\"payments\"},"
                + "\"users\":{\"app\":{\"principal\":\"User:app\",\"mechanism\":\"SCRAM-SHA-512\",\"passwordHash\":\"h\","
                + "\"acls\":[{\"principal\":\"User:app\",\"host\":\"*\",\"operation\":\"READ\",\"permission\":\"ALLOW\","
                + "\"resourceType\":\"TOPIC\",\"resourceName\":\"orders\",\"patternType\":\"LITERAL\"}],"
                + "\"quotaKeys\":[\"producer_byte_rate\"],\"generatedSecret\":true}},"
                + "\"adopted\":{\"orders\":\"abc123\"}}");
        assertThat(new String(InventoryCodec.write(inventory(false)), StandardCharsets.UTF_8)).doesNotContain("adopted");
    }

    @Test
    void readsBackWhatItWrote() {
        for (boolean adopted : new boolean[] {true, false}) {
            assertThat(InventoryCodec.read(InventoryCodec.write(inventory(adopted)))).isEqualTo(inventory(adopted));
        }
    }

    @Test
    void brokerSettingsAreWrittenOnlyWhenThereAreSomeAndReadBack() {
        Inventory plain = inventory(false);
        Inventory keys = new Inventory(plain.cluster(), plain.source(), plain.commit(), plain.appliedAt(), plain.topics(),
                plain.users(), plain.adopted(), new TreeSet<>(List.of("num.io.threads", "log.cleaner.threads")));
        String written = new String(InventoryCodec.write(keys), StandardCharsets.UTF_8);
        assertThat(written).endsWith(",\"brokerKeys\":[\"log.cleaner.threads\",\"num.io.threads\"]}");
        assertThat(InventoryCodec.read(InventoryCodec.write(keys))).isEqualTo(keys);
        assertThat(new String(InventoryCodec.write(plain), StandardCharsets.UTF_8)).doesNotContain("brokerKeys");
    }
}

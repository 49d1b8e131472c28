package io.kgr.status;

import java.time.Instant;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Inventory ⇄ JSON (format version 1). */
final class InventoryCodec {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private InventoryCodec() {
    }

    static byte[] write(Inventory inventory) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", 1);
        root.put("cluster", inventory.cluster());
        root.put("source", inventory.source());
        root.put("commit", inventory.commit());
        root.put("appliedAt", inventory.appliedAt().toString());
        ObjectNode topics = root.putObject("topics");
        inventory.topics().forEach(topics::put);
        return JSON.writeValueAsBytes(root);
    }

    static Inventory read(byte[] bytes) {
        JsonNode root = JSON.readTree(bytes);
        TreeMap<String, String> topics = new TreeMap<>();
        root.path("topics").properties().forEach(e -> topics.put(e.getKey(), e.getValue().asString()));
        return new Inventory(root.path("cluster").asString(), root.path("source").asString(),
                root.path("commit").asString(), Instant.parse(root.path("appliedAt").asString()), topics);
    }
}

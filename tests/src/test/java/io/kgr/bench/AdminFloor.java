package io.kgr.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The floor kgr is measured against: the least an Admin program must do. {@code observe}: listTopics +
 * describeTopics(all) + describeConfigs(all). {@code observe-create}: the same, then createTopics of the missing
 * {@code <prefix><i>} topics in batches (what an apply from empty needs at minimum).
 */
public final class AdminFloor {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String bootstrap = args[1];
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Set<String> names = admin.listTopics().names().get(120, TimeUnit.SECONDS);
            if (!names.isEmpty()) {
                admin.describeTopics(names).allTopicNames().get(120, TimeUnit.SECONDS);
                List<ConfigResource> resources = names.stream()
                        .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
                admin.describeConfigs(resources).all().get(120, TimeUnit.SECONDS);
            }
            if (mode.equals("observe-create")) {
                String prefix = args[2];
                int count = Integer.parseInt(args[3]);
                List<NewTopic> batch = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    String name = prefix + i;
                    if (names.contains(name)) continue;
                    batch.add(new NewTopic(name, 1, (short) 1));
                    if (batch.size() == 4000) {
                        admin.createTopics(batch).all().get(300, TimeUnit.SECONDS);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) admin.createTopics(batch).all().get(300, TimeUnit.SECONDS);
            }
        }
    }
}

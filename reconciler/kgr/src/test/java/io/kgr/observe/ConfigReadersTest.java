package io.kgr.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfigReadersTest {
    // clients that never connect: none of these tests sends a request
    private final List<Admin> made = new ArrayList<>();
    private final Admin main = client();

    private Admin client() {
        Admin a = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:9", "client.id", "config-readers-test"));
        made.add(a);
        return a;
    }

    @AfterEach
    void close() {
        made.forEach(a -> a.close(java.time.Duration.ZERO));
    }

    @Test
    void aClusterThatOneRequestCoversIsReadByTheMainClientAlone() {
        try (ConfigReaders readers = new ConfigReaders(this::client)) {
            assertThat(readers.with(main, TopicConfigs.CHUNK)).containsExactly(main);
            assertThat(made).hasSize(1); // none made for it
        }
    }

    @Test
    void moreTopicsAreReadOverTheExtraClientsMadeOnceAndKeptUntilClosed() {
        ConfigReaders readers = new ConfigReaders(this::client);
        List<Admin> first = readers.with(main, TopicConfigs.CHUNK + 1);
        assertThat(first).hasSize(1 + ConfigReaders.EXTRA).startsWith(main).doesNotHaveDuplicates();
        assertThat(readers.with(main, 50_000)).isEqualTo(first);
        readers.close();
        List<Admin> again = readers.with(main, 50_000);
        assertThat(again).hasSize(1 + ConfigReaders.EXTRA).startsWith(main);
        assertThat(again.subList(1, again.size())).doesNotContainAnyElementsOf(first.subList(1, first.size()));
        readers.close();
    }

    @Test
    void aClientThatCannotBeMadeLeavesTheMainOneReadingAlone() {
        ConfigReaders readers = new ConfigReaders(() -> {
            throw new org.apache.kafka.common.KafkaException("Failed to create new KafkaAdminClient");
        });
        assertThat(readers.with(main, 10_000)).containsExactly(main);
        assertThat(ConfigReaders.none().with(main, 10_000)).containsExactly(main);
    }
}

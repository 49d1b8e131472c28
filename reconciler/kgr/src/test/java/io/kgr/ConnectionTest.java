package io.kgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/** The client's life: made once per bootstrap, kept across runs, made again after a failed run. No broker is needed. */
class ConnectionTest {
    private static Connection.Settings settings(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("metric.reporters", "");
        return new Connection.Settings(p, Duration.ofSeconds(5), Optional.of("c"), Optional.empty(), false);
    }

    @Test
    void runsShareOneClientUntilItIsDiscarded() {
        try (Connection c = new Connection(settings("127.0.0.1:1"))) {
            Target first = c.target();
            Admin admin = c.admin().orElseThrow();
            Target second = c.target();
            assertThat(c.admin()).containsSame(admin);
            assertThat(second.inventory()).isSameAs(first.inventory());
            assertThat(second.bootstrapServers()).isEqualTo("127.0.0.1:1");

            c.discard();
            assertThat(c.admin()).isEmpty();
            c.target();
            assertThat(c.admin().orElseThrow()).isNotSameAs(admin);
        }
    }

    @Test
    void aClusterNotOnKubernetesWhoseNameDoesNotResolveIsAnError() {
        try (Connection c = new Connection(settings("no-such-host.invalid:9092"))) {
            assertThatThrownBy(c::target).isInstanceOf(KafkaException.class);
        }
    }

    @Test
    void aTargetNeedsBootstrapServersOrANamespace() {
        assertThatThrownBy(() -> new Connection.Settings(new Properties(), Duration.ofSeconds(5), Optional.empty(),
                Optional.empty(), false)).hasMessageContaining("bootstrap servers");
    }
}

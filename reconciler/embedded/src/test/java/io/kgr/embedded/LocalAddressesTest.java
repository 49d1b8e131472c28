package io.kgr.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The local kubelet's addresses: one loopback range per cluster, any node id, and server.properties mapped onto them. */
class LocalAddressesTest {
    @Test
    void eachClusterHasItsOwnRangeAndLargeNodeIdsFit() {
        assertThat(LocalKubelet.address("my-cluster", 0)).isEqualTo("127.40.0.1");
        assertThat(LocalKubelet.address("my-cluster", 253)).isEqualTo("127.40.0.254");
        assertThat(LocalKubelet.address("my-cluster", 1000)).isEqualTo("127.40.3.239");
        assertThat(LocalKubelet.address("real", 0)).isNotEqualTo(LocalKubelet.address("my-cluster", 0));
        assertThat(LocalKubelet.addressRange("my-cluster")).isEqualTo("127.40.0.0/16");
    }

    @Test
    void podNamesBindsAndMountsBecomeLocal() {
        String properties = """
                controller.quorum.voters=3@my-cluster-controllers-3.my-cluster-kafka-brokers.kafka.svc:9090
                listeners=REPLICATION://0.0.0.0:9091,PLAIN://0.0.0.0:9092
                advertised.listeners=PLAIN://my-cluster-brokers-0.my-cluster-kafka-brokers.kafka.svc:9092
                log.dirs=/var/lib/kafka/data-0/kafka-log0
                """;
        String local = LocalKubelet.localise(properties, "127.40.0.1", Map.of("/var/lib/kafka/data-0", Path.of("/tmp/v/data-0")));
        assertThat(local).contains("controller.quorum.voters=3@127.40.0.4:9090")
                .contains("listeners=REPLICATION://127.40.0.1:9091,PLAIN://127.40.0.1:9092")
                .contains("advertised.listeners=PLAIN://127.40.0.1:9092")
                .contains("log.dirs=/tmp/v/data-0/kafka-log0");
    }
}

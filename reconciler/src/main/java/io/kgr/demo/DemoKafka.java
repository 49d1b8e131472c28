package io.kgr.demo;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real KRaft cluster in this JVM (combined broker+controller nodes, one of them a controller), with an authorizer so
 * that ACLs are real. Its data lives in temporary folders that closing removes.
 */
final class DemoKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private DemoKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    static DemoKafka start(int brokers) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(brokers)
                .setNumControllerNodes(1).build();
        String internalRf = String.valueOf(Math.min(3, brokers));
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", internalRf)
                .setConfigProp("transaction.state.log.replication.factor", internalRf)
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .setConfigProp("super.users", "User:ANONYMOUS")
                .build();
        // formatting prints its bootstrap records on System.out; the demo's own output stays readable without them
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        } finally {
            System.setOut(stdout);
        }
        return new DemoKafka(cluster);
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}

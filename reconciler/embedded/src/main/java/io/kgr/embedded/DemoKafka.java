package io.kgr.embedded;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.internals.Exit;

/**
 * A real KRaft cluster in this JVM (combined broker+controller nodes, one of them a controller), with an authorizer so
 * that ACLs are real. Its data lives in temporary folders that closing removes.
 */
final class DemoKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;
    private final List<Runnable> folderRemovals;

    private DemoKafka(KafkaClusterTestKit cluster, List<Runnable> folderRemovals) {
        this.cluster = cluster;
        this.folderRemovals = folderRemovals;
    }

    static DemoKafka start(int brokers) throws Exception {
        // The test kit removes its folders from JVM shutdown hooks. On Ctrl-C those would run while the brokers still
        // write there, and a broker that loses its log dir halts the JVM before the demo has stopped: keep them for close.
        List<Runnable> folderRemovals = new CopyOnWriteArrayList<>();
        Exit.setShutdownHookAdder((name, removal) -> folderRemovals.add(removal));
        try {
            return start(brokers, folderRemovals);
        } finally {
            Exit.resetShutdownHookAdder();
        }
    }

    private static DemoKafka start(int brokers, List<Runnable> folderRemovals) throws Exception {
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
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            folderRemovals.forEach(Runnable::run);
            throw e;
        } finally {
            System.setOut(stdout);
        }
        return new DemoKafka(cluster, folderRemovals);
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        try {
            cluster.close();
        } finally {
            folderRemovals.forEach(Runnable::run);
        }
    }
}

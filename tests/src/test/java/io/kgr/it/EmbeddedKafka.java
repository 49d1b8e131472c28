package io.kgr.it;

import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A real KRaft cluster in this JVM (combined broker+controller nodes), for tests, benchmarks and `make run`. */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;
    private final Map<String, String> clientProperties;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this(cluster, Map.of());
    }

    private EmbeddedKafka(KafkaClusterTestKit cluster, Map<String, String> clientProperties) {
        this.cluster = cluster;
        this.clientProperties = clientProperties;
    }

    public static EmbeddedKafka start(int brokers) throws Exception {
        return start(brokers, Map.of());
    }

    public static EmbeddedKafka start(int brokers, Map<String, String> extraConfig) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(brokers)
                .setNumControllerNodes(1).build();
        short internalRf = (short) Math.min(3, brokers);
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", String.valueOf(internalRf))
                .setConfigProp("transaction.state.log.replication.factor", String.valueOf(internalRf))
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("num.partitions", "1");
        extraConfig.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafka(cluster);
    }

    /** Admin client properties of the secured cluster's super user (SASL/PLAIN over SASL_PLAINTEXT). */
    public static final Map<String, String> SUPER_USER = Map.of(
            "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
            "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "username=\"plain-admin\" password=\"plain-admin-secret\";");

    /**
     * A cluster whose client listener is SASL_PLAINTEXT (PLAIN for the super user, SCRAM for the users kgr creates)
     * with the StandardAuthorizer, so that ACLs decide what a logged-in user may do.
     */
    public static EmbeddedKafka startSecured() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBrokerListenerName(org.apache.kafka.common.network.ListenerName.normalised("EXTERNAL"))
                .setBrokerSecurityProtocol(org.apache.kafka.common.security.auth.SecurityProtocol.SASL_PLAINTEXT).build();
        String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512,SCRAM-SHA-256")
                // the controller listener stays PLAINTEXT (ANONYMOUS); clients only reach the SASL listener
                .setConfigProp("super.users", "User:plain-admin;User:ANONYMOUS")
                .setConfigProp("listener.name.external.scram-sha-512.sasl.jaas.config", scram)
                .setConfigProp("listener.name.external.scram-sha-256.sasl.jaas.config", scram)
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafka(cluster, SUPER_USER);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Admin admin() {
        return Admin.create(clientProperties(Map.of()));
    }

    /** The properties a client needs to reach this cluster (as its super user), plus {@code extra}. */
    public java.util.Properties clientProperties(Map<String, String> extra) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(clientProperties);
        p.put("bootstrap.servers", bootstrapServers());
        p.putAll(extra);
        return p;
    }

    /**
     * Shuts one broker down (a controlled shutdown, as a stopped pod's broker does): the controller fences it, and its
     * registration stays until someone unregisters it.
     */
    public void stopBroker(int id) {
        cluster.brokers().get(id).shutdown();
        cluster.brokers().get(id).awaitShutdown();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}

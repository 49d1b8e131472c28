package io.kgr.kube;

import io.kgr.desired.ClusterSpec;

/** Object names, as Strimzi names them, so that users find what they know. */
public final class Names {
    private Names() {
    }

    public static String pod(ClusterSpec c, ClusterSpec.Pool pool, int id) {
        return c.name() + "-" + pool.name() + "-" + id;
    }

    public static String podSet(ClusterSpec c, ClusterSpec.Pool pool) {
        return c.name() + "-" + pool.name();
    }

    public static String brokersService(ClusterSpec c) {
        return c.name() + "-kafka-brokers";
    }

    public static String bootstrapService(ClusterSpec c) {
        return c.name() + "-kafka-bootstrap";
    }

    public static String listenerBootstrapService(ClusterSpec c, ClusterSpec.Listener l) {
        return c.name() + "-kafka-" + l.name() + "-bootstrap";
    }

    public static String perBrokerService(ClusterSpec c, ClusterSpec.Pool pool, ClusterSpec.Listener l, int id) {
        return c.name() + "-" + pool.name() + "-" + l.name() + "-" + id;
    }

    public static String zookeeperClientService(ClusterSpec c) {
        return c.name() + "-zookeeper-client";
    }

    public static String zookeeperNodesService(ClusterSpec c) {
        return c.name() + "-zookeeper-nodes";
    }

    /** The volume's name in the pod and in its claim: {@code data} or {@code data-<id>} for JBOD volumes. */
    public static String volumeName(ClusterSpec.Volume v) {
        return v.id().map(id -> "data-" + id).orElse("data");
    }

    /** {@code data-[<id>-]<pod>}. */
    public static String claim(ClusterSpec.Volume v, String pod) {
        return volumeName(v) + "-" + pod;
    }
}

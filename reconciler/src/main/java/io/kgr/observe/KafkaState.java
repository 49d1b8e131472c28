package io.kgr.observe;

/** Reads the live state of a Kafka cluster. The planner only ever sees the {@link LiveState} value. */
public interface KafkaState {
    LiveState observe() throws ObserveException;

    /**
     * The cluster as {@code earlier} saw it, with {@code topics} read again (and everything but topics read again:
     * brokers, users, ACLs, quotas, broker defaults): what a push needs when only those topics can have changed.
     */
    default LiveState observe(LiveState earlier, java.util.Set<String> topics) throws ObserveException {
        return observe();
    }

    /** The names of the cluster's topics only (a cheap poll while waiting for topics to appear). */
    default java.util.Set<String> topicNames() throws ObserveException {
        return observe().topics().keySet();
    }
}

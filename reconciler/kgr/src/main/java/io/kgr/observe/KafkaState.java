package io.kgr.observe;

import java.util.Set;

/** Reads the live state of a Kafka cluster. The planner only ever sees the {@link LiveState} value. */
public interface KafkaState {
    LiveState observe() throws ObserveException;

    /**
     * The cluster as {@code earlier} saw it, with {@code topics} read again (and everything but topics read again:
     * brokers, users, ACLs, quotas, broker defaults): what a push needs when only those topics can have changed.
     */
    default LiveState observe(LiveState earlier, Set<String> topics) throws ObserveException {
        return observe();
    }

    /** The names of the cluster's topics only (a cheap poll while waiting for topics to appear). */
    default Set<String> topicNames() throws ObserveException {
        return observe().topics().keySet();
    }

    /**
     * Which of {@code topics} the controller has and which it has not; a name it could not answer for is in neither.
     * Brokers list a new topic only once they have replayed its records, which after a large create lags the
     * controller by minutes; the controller's answer tells such a lag from a topic that is really gone.
     */
    default ControllerTopics atTheController(Set<String> topics) {
        return new ControllerTopics(Set.of(), Set.of());
    }

    /** What the controller said of some topics: those it has, and those it has not. */
    record ControllerTopics(Set<String> exist, Set<String> absent) {
    }
}

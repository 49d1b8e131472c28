package io.kgr.observe;

/** Reads the live state of a Kafka cluster. The planner only ever sees the {@link LiveState} value. */
public interface KafkaState {
    LiveState observe() throws ObserveException;
}

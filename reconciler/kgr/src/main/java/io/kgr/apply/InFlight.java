package io.kgr.apply;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.KafkaFuture;

/**
 * The bulk requests of one step kind, sent a few at a time: the next one goes out as the oldest is answered. An Admin
 * call's timeout runs from when it is made, and the controller works through its requests one after another — with
 * all of them sent at once, the last one's timeout also covered the wait for every one before it: creating 50,000
 * topics on four loaded brokers, the last 20,674 creates timed out after 60 s while the controller was still busy with
 * the first ones. Two in flight keep the controller as busy (one answered while the next is worked on).
 */
final class InFlight {
    static final int REQUESTS = 2;

    private final Deque<Collection<? extends KafkaFuture<?>>> sent = new ArrayDeque<>();
    private final Duration timeout;

    InFlight(Duration timeout) {
        this.timeout = timeout;
    }

    /** Before a request is made: waits while {@link #REQUESTS} are unanswered (bounded by the timeout, failures kept). */
    void admit() {
        while (sent.size() >= REQUESTS) awaitQuietly(sent.poll());
    }

    /** The answers of the request just made. */
    void sent(Collection<? extends KafkaFuture<?>> answers) {
        sent.add(answers);
    }

    /** Waits for every answer, each failure left in its future for the step's result. */
    private void awaitQuietly(Collection<? extends KafkaFuture<?>> answers) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (KafkaFuture<?> f : answers) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // the step's result reports it
            }
        }
    }
}

package io.kgr.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Topics' configs, read in requests of at most {@link #CHUNK} topics with a few in flight, each answer handed on as it
 * arrives. A topic's answer lists every topic config (≈ 35 entries, each a few objects once parsed): the answer for
 * 50,000 topics in one request did not fit in the CLI's 512 MiB heap, while what kgr keeps of it — the overrides — is a
 * few bytes per topic. The brokers still work on the next requests while the client parses one.
 *
 * <p>Given several clients, the requests take turns among them. A broker serves one request of a connection at a time,
 * and an Admin client parses every answer on its one network thread: 10,000 topics' configs took 1.1 s over one
 * connection and 0.66–0.88 s over three (one broker, 2 cores; several brokers share the load the same way).
 */
public final class TopicConfigs {
    /** Topics per request. */
    public static final int CHUNK = 1_000;
    /** Requests asked per client before their answers are read; the next one is sent as each answer is taken. */
    static final int IN_FLIGHT_PER_CLIENT = 2;

    /** What is done with each topic's configs; a topic deleted meanwhile is left out. */
    public interface Sink {
        void accept(String topic, Config config);
    }

    private final List<Admin> admins;
    private final int inFlight;
    private final Deque<List<ConfigResource>> waiting = new ArrayDeque<>();
    private final Deque<Map<ConfigResource, KafkaFuture<Config>>> asked = new ArrayDeque<>();
    private int sent;

    private TopicConfigs(List<Admin> admins, Collection<String> topics, int topicsPerRequest) {
        if (admins.isEmpty()) throw new IllegalArgumentException("no Admin client to read configs with");
        this.admins = List.copyOf(admins);
        this.inFlight = IN_FLIGHT_PER_CLIENT * admins.size();
        List<ConfigResource> chunk = new ArrayList<>(Math.min(topicsPerRequest, topics.size()));
        for (String t : topics) {
            chunk.add(new ConfigResource(ConfigResource.Type.TOPIC, t));
            if (chunk.size() == topicsPerRequest) {
                waiting.add(chunk);
                chunk = new ArrayList<>(topicsPerRequest);
            }
        }
        if (!chunk.isEmpty()) waiting.add(chunk);
        while (asked.size() < inFlight && !waiting.isEmpty()) askNext();
    }

    /** Sends the first requests now; {@link #drain} reads them and sends the rest. */
    public static TopicConfigs ask(Admin admin, Collection<String> topics) {
        return ask(List.of(admin), topics, CHUNK);
    }

    /** As {@link #ask(Admin, Collection)}, the requests taking turns among {@code admins}. */
    public static TopicConfigs ask(List<Admin> admins, Collection<String> topics) {
        return ask(admins, topics, CHUNK);
    }

    /** As {@link #ask(List, Collection)}, {@code topicsPerRequest} topics a request. */
    public static TopicConfigs ask(List<Admin> admins, Collection<String> topics, int topicsPerRequest) {
        return new TopicConfigs(admins, topics, topicsPerRequest);
    }

    /** Every topic's configs to {@code sink}, in the order asked; waits at most {@code timeoutMs} for each answer. */
    public void drain(Sink sink, long timeoutMs) throws ExecutionException, InterruptedException, TimeoutException {
        while (!asked.isEmpty()) {
            Map<ConfigResource, KafkaFuture<Config>> answer = asked.poll();
            if (!waiting.isEmpty()) askNext();
            for (Map.Entry<ConfigResource, KafkaFuture<Config>> e : answer.entrySet()) {
                Config config;
                try {
                    config = e.getValue().get(timeoutMs, TimeUnit.MILLISECONDS);
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof UnknownTopicOrPartitionException) continue;
                    throw ex;
                }
                sink.accept(e.getKey().name(), config);
            }
        }
    }

    private void askNext() {
        asked.add(admins.get(sent++ % admins.size()).describeConfigs(waiting.poll()).values());
    }
}

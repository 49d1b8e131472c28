package io.kgr.apply;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

import io.kgr.plan.Change.AlterTopicConfig;
import io.kgr.plan.Change;
import io.kgr.plan.Change.ChangeReplicationFactor;
import io.kgr.plan.Change.CreateTopic;
import io.kgr.plan.Change.DeleteTopic;
import io.kgr.plan.Change.IncreasePartitions;
import io.kgr.plan.Step;

/** Topic steps as batched Admin requests: creates, partition increases, config changes, reassignments, deletes. */
final class TopicSteps {
    private final Admin admin;
    private final ApplyOptions options;
    private final Results results;

    TopicSteps(Admin admin, ApplyOptions options, Results results) {
        this.admin = admin;
        this.options = options;
        this.results = results;
    }

    private List<List<Step>> chunks(List<Step> steps) {
        return Batches.chunks(steps, options.maxRecordsPerRequest());
    }

    void create(List<Step> steps) {
        long start = System.nanoTime();
        // all requests are sent before any answer is awaited: the controller queues them, kgr does not wait in between
        Map<String, KafkaFuture<Void>> futures = new HashMap<>();
        for (List<Step> chunk : chunks(steps)) {
            List<NewTopic> topics = new ArrayList<>();
            for (Step s : chunk) {
                CreateTopic c = (CreateTopic) s.change();
                topics.add(new NewTopic(c.topic(), Optional.ofNullable(c.partitions()),
                        Optional.ofNullable(c.replicas()).map(Integer::shortValue)).configs(c.config()));
            }
            futures.putAll(admin.createTopics(topics).values());
        }
        for (Step s : steps) results.collect(s, futures.get(((CreateTopic) s.change()).topic()), start);
    }

    void increasePartitions(List<Step> steps) {
        long start = System.nanoTime();
        Map<String, KafkaFuture<Void>> futures = new HashMap<>();
        for (List<Step> chunk : chunks(steps)) {
            Map<String, NewPartitions> request = new TreeMap<>();
            for (Step s : chunk) {
                IncreasePartitions c = (IncreasePartitions) s.change();
                request.put(c.topic(), c.newReplicas().isEmpty() ? NewPartitions.increaseTo(c.to())
                        : NewPartitions.increaseTo(c.to(), c.newReplicas()));
            }
            futures.putAll(admin.createPartitions(request).values());
        }
        for (Step s : steps) results.collect(s, futures.get(((IncreasePartitions) s.change()).topic()), start);
    }

    void alterConfigs(List<Step> steps) {
        long start = System.nanoTime();
        Map<ConfigResource, KafkaFuture<Void>> futures = new HashMap<>();
        for (List<Step> chunk : chunks(steps)) {
            Map<ConfigResource, Collection<AlterConfigOp>> request = new LinkedHashMap<>();
            for (Step s : chunk) {
                AlterTopicConfig c = (AlterTopicConfig) s.change();
                List<AlterConfigOp> ops = new ArrayList<>();
                c.set().forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
                c.delete().forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
                request.put(resource(c.topic()), ops);
            }
            futures.putAll(admin.incrementalAlterConfigs(request).values());
        }
        for (Step s : steps) results.collect(s, futures.get(resource(((AlterTopicConfig) s.change()).topic())), start);
    }

    private static ConfigResource resource(String topic) {
        return new ConfigResource(ConfigResource.Type.TOPIC, topic);
    }

    /** Starts the reassignments, then waits (bounded) until the brokers hold exactly the planned replicas. */
    void reassign(List<Step> steps) {
        long start = System.nanoTime();
        Map<TopicPartition, KafkaFuture<Void>> futures = new LinkedHashMap<>();
        for (List<Step> chunk : chunks(steps)) {
            Map<TopicPartition, Optional<NewPartitionReassignment>> request = new LinkedHashMap<>();
            for (Step s : chunk) {
                Change.Reassignment c = (Change.Reassignment) s.change();
                c.assignment().forEach((p, replicas) ->
                        request.put(new TopicPartition(c.topic(), p), Optional.of(new NewPartitionReassignment(replicas))));
            }
            futures.putAll(admin.alterPartitionReassignments(request).values());
        }
        Map<String, String> failures = new HashMap<>();
        for (var e : futures.entrySet()) {
            try {
                e.getValue().get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception ex) {
                failures.putIfAbsent(e.getKey().topic(), "partition " + e.getKey().partition() + ": " + Results.reason(ex));
            }
        }
        Set<String> waiting = new HashSet<>();
        for (Step s : steps) {
            String topic = ((Change.Reassignment) s.change()).topic();
            if (!failures.containsKey(topic)) waiting.add(topic);
        }
        failures.putAll(awaitReassignments(steps, waiting));
        for (Step s : steps) {
            String topic = ((Change.Reassignment) s.change()).topic();
            if (failures.containsKey(topic)) results.failed(s, failures.get(topic), start);
            else results.ok(s, start);
        }
    }

    private Map<String, String> awaitReassignments(List<Step> steps, Set<String> topics) {
        Map<String, String> failures = new HashMap<>();
        if (topics.isEmpty()) return failures;
        long deadline = System.nanoTime() + options.reassignmentTimeout().toNanos();
        Set<String> pending = new HashSet<>(topics);
        while (!pending.isEmpty()) {
            try {
                Set<TopicPartition> moving = admin.listPartitionReassignments().reassignments()
                        .get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).keySet();
                Map<String, TopicDescription> described = admin.describeTopics(pending).allTopicNames()
                        .get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                for (Step s : steps) {
                    Change.Reassignment c = (Change.Reassignment) s.change();
                    if (!pending.contains(c.topic())) continue;
                    boolean stillMoving = moving.stream().anyMatch(tp -> tp.topic().equals(c.topic()));
                    if (!stillMoving && matches(described.get(c.topic()), c)) pending.remove(c.topic());
                }
            } catch (Exception e) {
                // transient while leaders move; the deadline bounds the retries
            }
            if (pending.isEmpty()) break;
            if (System.nanoTime() > deadline) {
                for (String t : pending) {
                    failures.put(t, "reassignment still running after " + options.reassignmentTimeout().toSeconds()
                            + " s; it continues on the brokers and the next run checks it again");
                }
                break;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return failures;
    }

    private static boolean matches(TopicDescription d, Change.Reassignment c) {
        if (d == null) return false;
        for (var p : d.partitions()) {
            List<Integer> want = c.assignment().get(p.partition());
            if (want != null && !p.replicas().stream().map(Node::id).toList().equals(want)) return false;
        }
        return true;
    }

    void delete(List<Step> steps) {
        long start = System.nanoTime();
        Map<String, KafkaFuture<Void>> futures = new HashMap<>();
        for (List<Step> chunk : chunks(steps)) {
            futures.putAll(admin.deleteTopics(chunk.stream().map(s -> ((DeleteTopic) s.change()).topic()).toList())
                    .topicNameValues());
        }
        for (Step s : steps) results.collect(s, futures.get(((DeleteTopic) s.change()).topic()), start);
    }

    /** Cluster-wide dynamic broker settings: one incrementalAlterConfigs on the default broker resource. */
    void alterBrokerDefaults(List<Step> batch) {
        for (Step step : batch) {
            long start = System.nanoTime();
            var c = (io.kgr.plan.Change.AlterBrokerConfig) step.change();
            var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.BROKER, "");
            List<org.apache.kafka.clients.admin.AlterConfigOp> ops = new java.util.ArrayList<>();
            c.set().forEach((k, v) -> ops.add(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry(k, v), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)));
            c.delete().forEach(k -> ops.add(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry(k, ""), org.apache.kafka.clients.admin.AlterConfigOp.OpType.DELETE)));
            results.collect(step, admin.incrementalAlterConfigs(java.util.Map.of(resource, ops)).all(), start);
        }
    }
}

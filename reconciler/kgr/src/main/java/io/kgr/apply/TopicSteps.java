package io.kgr.apply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.LoggerFactory;

import io.kgr.inventory.InventoryStore;
import io.kgr.inventory.Moves;
import io.kgr.plan.Change.AlterTopicConfig;
import io.kgr.plan.Change;
import io.kgr.plan.Change.CreateTopic;
import io.kgr.plan.Change.DeleteTopic;
import io.kgr.plan.Change.IncreasePartitions;
import io.kgr.plan.Step;

/** Topic steps as batched Admin requests: creates, partition increases, config changes, reassignments, deletes. */
final class TopicSteps {
    private final Admin admin;
    private final ApplyOptions options;
    private final Results results;
    private final MovesLog moves;
    private final BooleanSupplier stopping;

    /**
     * @param moves    where replica moves and their throttles are recorded before they start
     * @param stopping true once kgr is stopping (a shutdown, a lost lease): a wait for moves ends at the next check
     */
    TopicSteps(Admin admin, ApplyOptions options, Results results, MovesLog moves, BooleanSupplier stopping) {
        this.admin = admin;
        this.options = options;
        this.results = results;
        this.moves = moves;
        this.stopping = stopping;
    }

    private List<List<Step>> chunks(List<Step> steps) {
        return Batches.chunks(steps, options.maxRecordsPerRequest());
    }

    void create(List<Step> steps) {
        long start = System.nanoTime();
        // a few requests in flight: the controller always has the next one, and no call times out behind the others
        Map<String, KafkaFuture<Void>> futures = new HashMap<>();
        InFlight inFlight = new InFlight(options.requestTimeout());
        for (List<Step> chunk : chunks(steps)) {
            inFlight.admit();
            List<NewTopic> topics = new ArrayList<>();
            for (Step s : chunk) {
                CreateTopic c = (CreateTopic) s.change();
                if (!c.assignment().isEmpty()) {
                    // placed by the plan (brokers are leaving): partition i gets assignment[i]
                    Map<Integer, List<Integer>> replicas = new TreeMap<>();
                    for (int p = 0; p < c.assignment().size(); p++) replicas.put(p, c.assignment().get(p));
                    topics.add(new NewTopic(c.topic(), replicas).configs(c.config()));
                    continue;
                }
                topics.add(new NewTopic(c.topic(), Optional.ofNullable(c.partitions()),
                        Optional.ofNullable(c.replicas()).map(Integer::shortValue)).configs(c.config()));
            }
            var sent = admin.createTopics(topics).values();
            futures.putAll(sent);
            inFlight.sent(sent.values());
        }
        List<Step> existing = new ArrayList<>();
        for (Step s : steps) {
            KafkaFuture<Void> f = futures.get(((CreateTopic) s.change()).topic());
            if (exists(f)) existing.add(s);
            else results.collect(s, f, start);
        }
        if (!existing.isEmpty()) alreadyThere(existing, start);
    }

    /** Whether a create failed because the topic is there already (the future is done or waited for, bounded). */
    private boolean exists(KafkaFuture<Void> f) {
        try {
            f.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return false;
        } catch (ExecutionException e) {
            return e.getCause() instanceof TopicExistsException;
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Creates that met a topic of that name: the goal is met when the topic has the declared partitions and
     * replication factor (kgr's own earlier create that a broker's metadata did not show yet, or someone else's of the
     * same shape — its configs are the next plan's business); a topic of another shape is a failure that says so.
     */
    private void alreadyThere(List<Step> steps, long start) {
        List<String> names = steps.stream().map(s -> ((CreateTopic) s.change()).topic()).toList();
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(names).topicNameValues();
        for (Step s : steps) {
            CreateTopic c = (CreateTopic) s.change();
            TopicDescription d;
            try {
                d = described.get(c.topic()).get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    // the controller has it, the brokers' metadata not yet (right after a large create): not a
                    // failure; the next plan compares it once the brokers list it
                    results.ok(s, start);
                } else {
                    results.failed(s, "TopicExists: the topic exists, and it cannot be described: " + Results.reason(e), start);
                }
                continue;
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                results.failed(s, "TopicExists: the topic exists, and it cannot be described: " + Results.reason(e), start);
                continue;
            }
            int partitions = d == null ? -1 : d.partitions().size();
            int rf = d == null || d.partitions().isEmpty() ? -1 : d.partitions().get(0).replicas().size();
            Integer wantPartitions = c.assignment().isEmpty() ? c.partitions() : Integer.valueOf(c.assignment().size());
            Integer wantRf = c.assignment().isEmpty() ? c.replicas() : Integer.valueOf(c.assignment().get(0).size());
            boolean same = d != null && (wantPartitions == null || wantPartitions == partitions) && (wantRf == null || wantRf == rf);
            if (same) results.ok(s, start);
            else results.failed(s, "TopicExists: topic " + c.topic() + " exists with " + partitions + " partition(s) and"
                    + " replication factor " + rf + "; Git declares " + (wantPartitions == null ? "the default" : wantPartitions)
                    + " and " + (wantRf == null ? "the default" : wantRf) + " (the next plan compares them)", start);
        }
    }

    void increasePartitions(List<Step> steps) {
        long start = System.nanoTime();
        Map<String, KafkaFuture<Void>> futures = new HashMap<>();
        InFlight inFlight = new InFlight(options.requestTimeout());
        for (List<Step> chunk : chunks(steps)) {
            inFlight.admit();
            Map<String, NewPartitions> request = new TreeMap<>();
            for (Step s : chunk) {
                IncreasePartitions c = (IncreasePartitions) s.change();
                request.put(c.topic(), c.newReplicas().isEmpty() ? NewPartitions.increaseTo(c.to())
                        : NewPartitions.increaseTo(c.to(), c.newReplicas()));
            }
            var sent = admin.createPartitions(request).values();
            futures.putAll(sent);
            inFlight.sent(sent.values());
        }
        for (Step s : steps) results.collect(s, futures.get(((IncreasePartitions) s.change()).topic()), start);
    }

    void alterConfigs(List<Step> steps) {
        long start = System.nanoTime();
        Map<ConfigResource, KafkaFuture<Void>> futures = new HashMap<>();
        InFlight inFlight = new InFlight(options.requestTimeout());
        for (List<Step> chunk : chunks(steps)) {
            inFlight.admit();
            Map<ConfigResource, Collection<AlterConfigOp>> request = new LinkedHashMap<>();
            for (Step s : chunk) {
                AlterTopicConfig c = (AlterTopicConfig) s.change();
                List<AlterConfigOp> ops = new ArrayList<>();
                c.set().forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
                c.delete().forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
                request.put(resource(c.topic()), ops);
            }
            var sent = admin.incrementalAlterConfigs(request).values();
            futures.putAll(sent);
            inFlight.sent(sent.values());
        }
        for (Step s : steps) results.collect(s, futures.get(resource(((AlterTopicConfig) s.change()).topic())), start);
    }

    private static ConfigResource resource(String topic) {
        return new ConfigResource(ConfigResource.Type.TOPIC, topic);
    }

    /**
     * Starts the reassignments, throttled, then waits (bounded) until the brokers hold exactly the planned replicas.
     * The moves and the throttles are recorded first (see {@link Moves}); the throttles are removed, and the record with
     * them, once no move of the record is left. A move still running when the wait ends (a drain of hours, a shutdown,
     * a lost lease) keeps its throttles: a later run waits for it and then removes them ({@link #removeThrottles}).
     */
    void reassign(List<Step> steps) {
        long start = System.nanoTime();
        Throttles throttles = throttles(steps);
        TreeMap<String, SortedSet<Integer>> partitions = new TreeMap<>();
        TreeSet<Integer> off = new TreeSet<>();
        for (Step s : steps) {
            Change.Reassignment c = (Change.Reassignment) s.change();
            partitions.computeIfAbsent(c.topic(), k -> new TreeSet<>()).addAll(c.assignment().keySet());
            if (c instanceof Change.MoveReplicas m) off.addAll(m.off());
        }
        Moves recorded;
        try {
            recorded = moves.add(partitions, off, throttles.recorded());
        } catch (InventoryStore.InventoryException e) {
            steps.forEach(s -> results.failed(s, "not started: kgr records its moves before it starts them, and could not ("
                    + e.getMessage() + ")", start));
            return;
        }
        throttles.set();
        boolean stillMoving = startAndAwait(steps);
        if (stillMoving || anyStillMoving(recorded)) return; // kept, and recorded, until a later run finds them done
        if (!throttles.removeAll(recorded)) return;
        try {
            moves.clear();
        } catch (InventoryStore.InventoryException e) {
            // the next plan finds the record and removes the (already removed) throttles again: harmless
        }
    }

    /** Whether any partition of the record is still being moved (true when that cannot be read). */
    private boolean anyStillMoving(Moves recorded) {
        try {
            return admin.listPartitionReassignments().reassignments()
                    .get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).keySet().stream()
                    .anyMatch(tp -> recorded.partitions().getOrDefault(tp.topic(), new TreeSet<>()).contains(tp.partition()));
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Removes the throttles a source's finished moves left (recorded by an earlier run), then its record of them. */
    void removeThrottles(List<Step> steps) {
        for (Step step : steps) {
            long start = System.nanoTime();
            var c = (Change.RemoveThrottles) step.change();
            List<Moves.Throttle> recorded = new ArrayList<>();
            c.brokers().forEach((b, keys) -> recorded.add(new Moves.Throttle("broker", b, keys)));
            c.topics().forEach((t, keys) -> recorded.add(new Moves.Throttle("topic", t, keys)));
            if (!new Throttles(Map.of(), recorded).removeAll(null)) {
                results.failed(step, "could not remove the throttles; the next run tries again", start);
                continue;
            }
            try {
                moves.clear();
                results.ok(step, start);
            } catch (InventoryStore.InventoryException e) {
                results.failed(step, "removed the throttles, but not the record of them: " + e.getMessage(), start);
            }
        }
    }

    /**
     * The throttle settings for a set of moves: what to set now, and what is recorded (and later removed).
     *
     * @param set      per broker and topic, the settings to make
     * @param recorded the same, as the record keeps them
     */
    private final class Throttles {
        private final Map<ConfigResource, Collection<AlterConfigOp>> set;
        private final List<Moves.Throttle> recorded;

        Throttles(Map<ConfigResource, Collection<AlterConfigOp>> set, List<Moves.Throttle> recorded) {
            this.set = set;
            this.recorded = recorded;
        }

        List<Moves.Throttle> recorded() {
            return recorded;
        }

        void set() {
            if (set.isEmpty()) return;
            try {
                admin.incrementalAlterConfigs(set).all().get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                // moving unthrottled is still correct, only heavier on the network: say so, and go on
                LoggerFactory.getLogger(TopicSteps.class).warn("could not throttle kgr's reassignments ({}); they run"
                        + " unthrottled", Results.reason(e));
            }
        }

        /**
         * Removes every throttle of {@code record} (null: those of this object); a topic deleted since is no failure.
         * False when a removal failed: the record stays, and a later run tries again.
         */
        boolean removeAll(Moves record) {
            List<Moves.Throttle> all = record == null ? recorded : record.throttles();
            if (all.isEmpty()) return true;
            Map<ConfigResource, Collection<AlterConfigOp>> undo = new LinkedHashMap<>();
            for (Moves.Throttle t : all) {
                var resource = new ConfigResource(t.type().equals("broker") ? ConfigResource.Type.BROKER
                        : ConfigResource.Type.TOPIC, t.name());
                List<AlterConfigOp> ops = new ArrayList<>();
                t.keys().forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, ""), AlterConfigOp.OpType.DELETE)));
                undo.merge(resource, ops, (a, b) -> {
                    List<AlterConfigOp> both = new ArrayList<>(a);
                    both.addAll(b);
                    return both;
                });
            }
            boolean ok = true;
            for (var e : admin.incrementalAlterConfigs(undo).values().entrySet()) {
                try {
                    e.getValue().get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception ex) {
                    if (ex instanceof InterruptedException) Thread.currentThread().interrupt();
                    if (ex.getCause() instanceof UnknownTopicOrPartitionException) continue;
                    ok = false;
                    LoggerFactory.getLogger(TopicSteps.class).warn("could not remove the replication throttle kgr set on"
                            + " {} {} ({}); a later run tries again", e.getKey().type(), e.getKey().name(), Results.reason(ex));
                }
            }
            return ok;
        }
    }

    private static final String LEADER_RATE = "leader.replication.throttled.rate";
    private static final String FOLLOWER_RATE = "follower.replication.throttled.rate";
    private static final String LEADER_REPLICAS = "leader.replication.throttled.replicas";
    private static final String FOLLOWER_REPLICAS = "follower.replication.throttled.replicas";

    /**
     * As {@code kafka-reassign-partitions --throttle} does: a rate on every broker the moves touch and the moved topics'
     * replicas marked throttled. Settings someone else made (a move of Cruise Control's) are left as they are, and
     * kgr then sets nothing of its own for that broker or topic. Nothing is set here: see {@link Throttles#set}.
     */
    private Throttles throttles(List<Step> steps) {
        Map<ConfigResource, Collection<AlterConfigOp>> set = new LinkedHashMap<>();
        List<Moves.Throttle> recorded = new ArrayList<>();
        if (options.replicationThrottle() <= 0) return new Throttles(set, recorded);
        Set<Integer> brokers = new TreeSet<>();
        Set<String> topics = new TreeSet<>();
        for (Step s : steps) {
            Change.Reassignment c = (Change.Reassignment) s.change();
            topics.add(c.topic());
            c.assignment().values().forEach(brokers::addAll);
        }
        try {
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                    .get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            described.values().forEach(d -> d.partitions().forEach(p -> p.replicas().forEach(n -> brokers.add(n.id()))));
            List<ConfigResource> resources = new ArrayList<>();
            brokers.forEach(b -> resources.add(new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(b))));
            topics.forEach(t -> resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t)));
            Map<ConfigResource, Config> now = admin.describeConfigs(resources).all()
                    .get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            String rate = String.valueOf(options.replicationThrottle());
            now.forEach((resource, config) -> {
                boolean broker = resource.type() == ConfigResource.Type.BROKER;
                String a = broker ? LEADER_RATE : LEADER_REPLICAS;
                String b = broker ? FOLLOWER_RATE : FOLLOWER_REPLICAS;
                if (isSet(config, a) || isSet(config, b)) return; // someone else's throttle (or kgr's own, recorded)
                String value = broker ? rate : "*";
                set.put(resource, List.of(new AlterConfigOp(new ConfigEntry(a, value), AlterConfigOp.OpType.SET),
                        new AlterConfigOp(new ConfigEntry(b, value), AlterConfigOp.OpType.SET)));
                recorded.add(new Moves.Throttle(broker ? "broker" : "topic", resource.name(), List.of(a, b)));
            });
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            LoggerFactory.getLogger(TopicSteps.class).warn("could not read the brokers' throttles ({}); kgr's"
                    + " reassignments run unthrottled", Results.reason(e));
            return new Throttles(Map.of(), List.of());
        }
        return new Throttles(set, recorded);
    }

    private static boolean isSet(Config config, String key) {
        ConfigEntry e = config.get(key);
        return e != null && e.value() != null && !e.value().isEmpty()
                && (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG
                    || e.source() == ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
    }

    /** Starts the moves and waits for them; true when some are still moving at the end of the wait. */
    private boolean startAndAwait(List<Step> steps) {
        long start = System.nanoTime();
        Map<TopicPartition, KafkaFuture<Void>> futures = new LinkedHashMap<>();
        InFlight inFlight = new InFlight(options.requestTimeout());
        for (List<Step> chunk : chunks(steps)) {
            inFlight.admit();
            Map<TopicPartition, Optional<NewPartitionReassignment>> request = new LinkedHashMap<>();
            for (Step s : chunk) {
                Change.Reassignment c = (Change.Reassignment) s.change();
                c.assignment().forEach((p, replicas) ->
                        request.put(new TopicPartition(c.topic(), p), Optional.of(new NewPartitionReassignment(replicas))));
            }
            var sent = admin.alterPartitionReassignments(request).values();
            futures.putAll(sent);
            inFlight.sent(sent.values());
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
        Set<String> stillMoving = new HashSet<>();
        failures.putAll(awaitReassignments(steps, waiting, stillMoving));
        for (Step s : steps) {
            String topic = ((Change.Reassignment) s.change()).topic();
            if (failures.containsKey(topic)) results.failed(s, failures.get(topic), start);
            else results.ok(s, start);
        }
        return !stillMoving.isEmpty();
    }

    /** Waits for the moves of {@code topics}; those still moving when the wait ends go to {@code stillMoving}. */
    private Map<String, String> awaitReassignments(List<Step> steps, Set<String> topics, Set<String> stillMoving) {
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
                    boolean inFlight = moving.stream().anyMatch(tp -> tp.topic().equals(c.topic()));
                    if (!inFlight && matches(described.get(c.topic()), c)) pending.remove(c.topic());
                }
            } catch (Exception e) {
                // transient while leaders move; the deadline bounds the retries
            }
            if (pending.isEmpty()) break;
            boolean stop = stopping.getAsBoolean();
            if (stop || System.nanoTime() > deadline) {
                for (String t : pending) {
                    failures.put(t, (stop ? "kgr stopped while the reassignment ran" : "reassignment still running after "
                            + options.reassignmentTimeout().toSeconds() + " s") + "; it continues on the brokers, with"
                            + " kgr's throttles kept (and recorded) until a later run finds it done and removes them");
                }
                stillMoving.addAll(pending);
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
        InFlight inFlight = new InFlight(options.requestTimeout());
        for (List<Step> chunk : chunks(steps)) {
            inFlight.admit();
            var sent = admin.deleteTopics(chunk.stream().map(s -> ((DeleteTopic) s.change()).topic()).toList())
                    .topicNameValues();
            futures.putAll(sent);
            inFlight.sent(sent.values());
        }
        for (Step s : steps) results.collect(s, futures.get(((DeleteTopic) s.change()).topic()), start);
    }

    /** Cluster-wide dynamic broker settings: one incrementalAlterConfigs on the default broker resource. */
    void alterBrokerDefaults(List<Step> batch) {
        for (Step step : batch) {
            long start = System.nanoTime();
            var c = (Change.AlterBrokerConfig) step.change();
            var resource = new ConfigResource(ConfigResource.Type.BROKER, "");
            List<AlterConfigOp> ops = new ArrayList<>();
            c.set().forEach((k, v) -> ops.add(new AlterConfigOp(
                    new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
            c.delete().forEach(k -> ops.add(new AlterConfigOp(
                    new ConfigEntry(k, ""), AlterConfigOp.OpType.DELETE)));
            results.collect(step, admin.incrementalAlterConfigs(Map.of(resource, ops)).all(), start);
        }
    }
}

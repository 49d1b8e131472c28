package io.kgr.apply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import io.kgr.plan.Change;
import io.kgr.plan.Change.AlterTopicConfig;
import io.kgr.plan.Change.ChangeReplicationFactor;
import io.kgr.plan.Change.CreateTopic;
import io.kgr.plan.Change.DeleteTopic;
import io.kgr.plan.Change.IncreasePartitions;
import io.kgr.plan.Change.UpdateInventory;
import io.kgr.plan.Change.UpsertScramCredential;
import io.kgr.plan.Change.DeleteScramCredential;
import io.kgr.plan.Change.CreateAcls;
import io.kgr.plan.Change.DeleteAcls;
import io.kgr.plan.Change.AlterUserQuotas;
import io.kgr.plan.PasswordHash;
import io.kgr.desired.SecretResolver;
import io.kgr.model.AclRule;
import io.kgr.status.ManagedUser;
import io.kgr.plan.Plan;
import io.kgr.plan.Step;
import io.kgr.status.Inventory;
import io.kgr.status.InventoryStore;

/**
 * Executes a plan's steps in order. Consecutive steps of one kind go to the broker as one batched request; each step
 * still gets its own result. A step whose dependency did not succeed is skipped. The inventory step always runs last
 * and records what is actually true after the run, so a failure half-way leaves a state the next run converges from.
 */
public final class Applier {
    private final Admin admin;
    private final InventoryStore inventoryStore;
    private final SecretResolver secrets;
    private final ApplyOptions options;
    private final Consumer<StepResult> progress;
    private CompletableFuture<Void> inventoryReady;
    private final Map<String, Step> stepsById = new LinkedHashMap<>();
    private final Map<String, String> freshHashes = new java.util.concurrent.ConcurrentHashMap<>();
    private String cluster = "";

    public Applier(Admin admin, InventoryStore inventoryStore, SecretResolver secrets, ApplyOptions options,
                   Consumer<StepResult> progress) {
        this.admin = admin;
        this.inventoryStore = inventoryStore;
        this.secrets = secrets;
        this.options = options;
        this.progress = progress;
    }

    public ApplyReport apply(Plan plan) {
        long start = System.nanoTime();
        stepsById.clear();
        freshHashes.clear();
        cluster = plan.header().cluster();
        plan.steps().forEach(s -> stepsById.put(s.id(), s));
        // the inventory's topic is created while the other steps run: a new partition takes a while to get a leader
        inventoryReady = plan.steps().stream().anyMatch(s -> s.change() instanceof UpdateInventory)
                ? CompletableFuture.runAsync(this::prepareInventory) : CompletableFuture.completedFuture(null);
        Map<String, StepResult> results = new LinkedHashMap<>();
        List<Step> steps = plan.steps();
        int i = 0;
        while (i < steps.size()) {
            String kind = steps.get(i).change().kind();
            List<Step> batch = new ArrayList<>();
            while (i < steps.size() && steps.get(i).change().kind().equals(kind)) {
                Step step = steps.get(i++);
                Optional<String> failedDependency = step.dependsOn().stream()
                        .filter(d -> results.containsKey(d) && results.get(d).outcome() != StepResult.Outcome.OK)
                        .findFirst();
                if (failedDependency.isPresent()) record(results, StepResult.skipped(step.id(), failedDependency.get()));
                else batch.add(step);
            }
            if (!batch.isEmpty()) runBatch(batch, results);
        }
        // the next plan should read back what was just applied (bounded: a slow broker does not fail the apply)
        new Visibility(admin, options.requestTimeout().compareTo(Duration.ofSeconds(15)) < 0
                ? options.requestTimeout() : Duration.ofSeconds(15)).await(succeeded(results));
        return new ApplyReport(new ArrayList<>(results.values()), Duration.ofNanos(System.nanoTime() - start));
    }

    private void record(Map<String, StepResult> results, StepResult result) {
        results.put(result.stepId(), result);
        progress.accept(result);
    }

    private void runBatch(List<Step> batch, Map<String, StepResult> results) {
        Change first = batch.get(0).change();
        if (first instanceof CreateTopic) createTopics(batch, results);
        else if (first instanceof IncreasePartitions) increasePartitions(batch, results);
        else if (first instanceof AlterTopicConfig) alterConfigs(batch, results);
        else if (first instanceof ChangeReplicationFactor) reassign(batch, results);
        else if (first instanceof DeleteTopic) deleteTopics(batch, results);
        else if (first instanceof UpsertScramCredential) upsertCredentials(batch, results);
        else if (first instanceof DeleteScramCredential) deleteCredentials(batch, results);
        else if (first instanceof Change.CreateUserSecret) batch.forEach(s -> createUserSecret(s, results));
        else if (first instanceof Change.DeleteUserSecret) batch.forEach(s -> deleteUserSecret(s, results));
        else if (first instanceof CreateAcls) createAcls(batch, results);
        else if (first instanceof DeleteAcls) deleteAcls(batch, results);
        else if (first instanceof AlterUserQuotas) alterQuotas(batch, results);
        else if (first instanceof UpdateInventory) batch.forEach(s -> updateInventory(s, results));
        else throw new IllegalArgumentException("unknown change " + first.kind());
    }

    private void createTopics(List<Step> steps, Map<String, StepResult> results) {
        long start = System.nanoTime();
        // all requests are sent before any answer is awaited: the controller queues them, kgr does not wait in between
        Map<String, KafkaFuture<Void>> futures = new java.util.HashMap<>();
        for (List<Step> chunk : chunks(steps)) {
            List<NewTopic> topics = new ArrayList<>();
            for (Step s : chunk) {
                CreateTopic c = (CreateTopic) s.change();
                NewTopic t = new NewTopic(c.topic(), Optional.ofNullable(c.partitions()),
                        Optional.ofNullable(c.replicas()).map(Integer::shortValue));
                topics.add(t.configs(c.config()));
            }
            futures.putAll(admin.createTopics(topics).values());
        }
        for (Step s : steps) collect(s, futures.get(((CreateTopic) s.change()).topic()), start, results);
    }

    /**
     * Splits a batch so that no request makes the controller write more metadata records than it accepts (10,000):
     * a topic costs 1 + partitions + configs, a new partition or a config change 1, a deleted topic 1.
     */
    private List<List<Step>> chunks(List<Step> steps) {
        List<List<Step>> out = new ArrayList<>();
        List<Step> current = new ArrayList<>();
        int records = 0;
        for (Step s : steps) {
            int cost = records(s.change());
            if (!current.isEmpty() && records + cost > options.maxRecordsPerRequest()) {
                out.add(current);
                current = new ArrayList<>();
                records = 0;
            }
            current.add(s);
            records += cost;
        }
        if (!current.isEmpty()) out.add(current);
        return out;
    }

    private static int records(Change change) {
        if (change instanceof CreateTopic c) return 1 + (c.partitions() == null ? 1 : c.partitions()) + c.config().size();
        if (change instanceof IncreasePartitions c) return c.to() - c.from();
        if (change instanceof AlterTopicConfig c) return Math.max(1, c.set().size() + c.delete().size());
        if (change instanceof ChangeReplicationFactor c) return c.assignment().size();
        return 1;
    }

    private void increasePartitions(List<Step> steps, Map<String, StepResult> results) {
        for (List<Step> chunk : chunks(steps)) increasePartitionsChunk(chunk, results);
    }

    private void increasePartitionsChunk(List<Step> steps, Map<String, StepResult> results) {
        long start = System.nanoTime();
        Map<String, NewPartitions> request = new TreeMap<>();
        for (Step s : steps) {
            IncreasePartitions c = (IncreasePartitions) s.change();
            request.put(c.topic(), c.newReplicas().isEmpty() ? NewPartitions.increaseTo(c.to())
                    : NewPartitions.increaseTo(c.to(), c.newReplicas()));
        }
        Map<String, KafkaFuture<Void>> futures = admin.createPartitions(request).values();
        for (Step s : steps) collect(s, futures.get(((IncreasePartitions) s.change()).topic()), start, results);
    }

    private void alterConfigs(List<Step> steps, Map<String, StepResult> results) {
        for (List<Step> chunk : chunks(steps)) alterConfigsChunk(chunk, results);
    }

    private void alterConfigsChunk(List<Step> steps, Map<String, StepResult> results) {
        long start = System.nanoTime();
        Map<ConfigResource, java.util.Collection<AlterConfigOp>> request = new LinkedHashMap<>();
        for (Step s : steps) {
            AlterTopicConfig c = (AlterTopicConfig) s.change();
            List<AlterConfigOp> ops = new ArrayList<>();
            c.set().forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
            c.delete().forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
            request.put(new ConfigResource(ConfigResource.Type.TOPIC, c.topic()), ops);
        }
        Map<ConfigResource, KafkaFuture<Void>> futures = admin.incrementalAlterConfigs(request).values();
        for (Step s : steps) {
            collect(s, futures.get(new ConfigResource(ConfigResource.Type.TOPIC, ((AlterTopicConfig) s.change()).topic())),
                    start, results);
        }
    }

    private void reassign(List<Step> steps, Map<String, StepResult> results) {
        long start = System.nanoTime();
        Map<TopicPartition, KafkaFuture<Void>> futures = new LinkedHashMap<>();
        for (List<Step> chunk : chunks(steps)) {
            Map<TopicPartition, Optional<NewPartitionReassignment>> request = new LinkedHashMap<>();
            for (Step s : chunk) {
                ChangeReplicationFactor c = (ChangeReplicationFactor) s.change();
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
                failures.putIfAbsent(e.getKey().topic(), "partition " + e.getKey().partition() + ": " + reason(ex));
            }
        }
        Set<String> waiting = new HashSet<>();
        for (Step s : steps) {
            String topic = ((ChangeReplicationFactor) s.change()).topic();
            if (!failures.containsKey(topic)) waiting.add(topic);
        }
        failures.putAll(awaitReassignments(steps, waiting));
        for (Step s : steps) {
            String topic = ((ChangeReplicationFactor) s.change()).topic();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            record(results, failures.containsKey(topic) ? StepResult.failed(s.id(), failures.get(topic), took)
                    : StepResult.ok(s.id(), took));
        }
    }

    /** Waits (bounded) until the brokers hold exactly the planned replicas; returns the topics that did not get there. */
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
                    ChangeReplicationFactor c = (ChangeReplicationFactor) s.change();
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
            sleep(250);
        }
        return failures;
    }

    private static boolean matches(TopicDescription d, ChangeReplicationFactor c) {
        if (d == null) return false;
        for (var p : d.partitions()) {
            List<Integer> want = c.assignment().get(p.partition());
            if (want == null) continue;
            List<Integer> have = p.replicas().stream().map(org.apache.kafka.common.Node::id).toList();
            if (!have.equals(want)) return false;
        }
        return true;
    }

    private void deleteTopics(List<Step> steps, Map<String, StepResult> results) {
        long start = System.nanoTime();
        Map<String, KafkaFuture<Void>> futures = new java.util.HashMap<>();
        for (List<Step> chunk : chunks(steps)) {
            futures.putAll(admin.deleteTopics(chunk.stream().map(s -> ((DeleteTopic) s.change()).topic()).toList())
                    .topicNameValues());
        }
        for (Step s : steps) collect(s, futures.get(((DeleteTopic) s.change()).topic()), start, results);
    }

    /**
     * Sets SCRAM credentials. The password is read again from its reference and must still be the one planned (by
     * its hash); it goes to the broker and nowhere else.
     */
    private void upsertCredentials(List<Step> steps, Map<String, StepResult> results) {
        long start = System.nanoTime();
        List<UserScramCredentialAlteration> alterations = new ArrayList<>();
        List<Step> sent = new ArrayList<>();
        // checking each password against its planned hash costs a PBKDF2 run: do them all at once, on every core
        Map<String, Boolean> planned = steps.parallelStream().collect(java.util.stream.Collectors.toConcurrentMap(Step::id, s -> {
            UpsertScramCredential c = (UpsertScramCredential) s.change();
            return secrets.resolve(c.passwordRef()).map(p -> {
                if (!c.passwordHash().isEmpty()) return PasswordHash.matches(c.passwordHash(), p);
                // generated by this apply: nothing to compare with; the inventory records its hash
                freshHashes.put(c.user(), PasswordHash.of(p, cluster, c.user()));
                return true;
            }).orElse(false);
        }));
        for (Step s : steps) {
            UpsertScramCredential c = (UpsertScramCredential) s.change();
            var password = secrets.resolve(c.passwordRef());
            if (password.isEmpty()) {
                record(results, StepResult.failed(s.id(), "password " + c.passwordRef() + " not found: looked in "
                        + secrets.places(c.passwordRef()), Duration.ZERO));
            } else if (!planned.get(s.id())) {
                record(results, StepResult.failed(s.id(), "the password in " + c.passwordRef()
                        + " changed since the plan was made; plan again", Duration.ZERO));
            } else {
                alterations.add(new UserScramCredentialUpsertion(c.user(),
                        new ScramCredentialInfo(ScramMechanism.fromMechanismName(c.mechanism()), c.iterations()),
                        password.get().reveal()));
                sent.add(s);
            }
        }
        if (alterations.isEmpty()) return;
        Map<String, KafkaFuture<Void>> futures = admin.alterUserScramCredentials(alterations).values();
        for (Step s : sent) collect(s, futures.get(((UpsertScramCredential) s.change()).user()), start, results);
    }

    /** Generates a password (32 characters, SecureRandom) straight into the user's Secret; it goes nowhere else. */
    private void createUserSecret(Step step, Map<String, StepResult> results) {
        long start = System.nanoTime();
        Change.CreateUserSecret c = (Change.CreateUserSecret) step.change();
        try {
            secrets.storeGenerated(c.user(), GeneratedPassword.next(), c.mechanism());
            record(results, StepResult.ok(step.id(), Duration.ofNanos(System.nanoTime() - start)));
        } catch (RuntimeException e) {
            record(results, StepResult.failed(step.id(), e.getMessage(), Duration.ofNanos(System.nanoTime() - start)));
        }
    }

    private void deleteUserSecret(Step step, Map<String, StepResult> results) {
        long start = System.nanoTime();
        try {
            secrets.deleteGenerated(((Change.DeleteUserSecret) step.change()).user());
            record(results, StepResult.ok(step.id(), Duration.ofNanos(System.nanoTime() - start)));
        } catch (RuntimeException e) {
            record(results, StepResult.failed(step.id(), e.getMessage(), Duration.ofNanos(System.nanoTime() - start)));
        }
    }

    private void deleteCredentials(List<Step> steps, Map<String, StepResult> results) {
        long start = System.nanoTime();
        List<UserScramCredentialAlteration> alterations = new ArrayList<>();
        for (Step s : steps) {
            DeleteScramCredential c = (DeleteScramCredential) s.change();
            alterations.add(new UserScramCredentialDeletion(c.user(), ScramMechanism.fromMechanismName(c.mechanism())));
        }
        Map<String, KafkaFuture<Void>> futures = admin.alterUserScramCredentials(alterations).values();
        for (Step s : steps) collect(s, futures.get(((DeleteScramCredential) s.change()).user()), start, results);
    }

    private void createAcls(List<Step> steps, Map<String, StepResult> results) {
        long start = System.nanoTime();
        List<AclBinding> bindings = new ArrayList<>();
        for (Step s : steps) ((CreateAcls) s.change()).acls().forEach(a -> bindings.add(binding(a)));
        Map<AclBinding, KafkaFuture<Void>> futures = admin.createAcls(bindings).values();
        for (Step s : steps) {
            List<KafkaFuture<Void>> mine = ((CreateAcls) s.change()).acls().stream().map(a -> futures.get(binding(a))).toList();
            collect(s, KafkaFuture.allOf(mine.toArray(KafkaFuture[]::new)), start, results);
        }
    }

    private void deleteAcls(List<Step> steps, Map<String, StepResult> results) {
        long start = System.nanoTime();
        List<AclBindingFilter> filters = new ArrayList<>();
        for (Step s : steps) ((DeleteAcls) s.change()).acls().forEach(a -> filters.add(binding(a).toFilter()));
        var futures = admin.deleteAcls(filters).values();
        for (Step s : steps) {
            List<KafkaFuture<?>> mine = ((DeleteAcls) s.change()).acls().stream()
                    .<KafkaFuture<?>>map(a -> futures.get(binding(a).toFilter())).toList();
            collect(s, KafkaFuture.allOf(mine.toArray(KafkaFuture[]::new)), start, results);
        }
    }

    private void alterQuotas(List<Step> steps, Map<String, StepResult> results) {
        long start = System.nanoTime();
        List<ClientQuotaAlteration> alterations = new ArrayList<>();
        for (Step s : steps) {
            AlterUserQuotas c = (AlterUserQuotas) s.change();
            List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
            c.set().forEach((k, v) -> ops.add(new ClientQuotaAlteration.Op(k, v)));
            c.remove().forEach(k -> ops.add(new ClientQuotaAlteration.Op(k, null)));
            alterations.add(new ClientQuotaAlteration(userEntity(c.user()), ops));
        }
        Map<ClientQuotaEntity, KafkaFuture<Void>> futures = admin.alterClientQuotas(alterations).values();
        for (Step s : steps) collect(s, futures.get(userEntity(((AlterUserQuotas) s.change()).user())), start, results);
    }

    private static ClientQuotaEntity userEntity(String user) {
        return new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, user));
    }

    static AclBinding binding(AclRule a) {
        return new AclBinding(new ResourcePattern(ResourceType.valueOf(a.resourceType()), a.resourceName(),
                PatternType.valueOf(a.patternType())), new AccessControlEntry(a.principal(), a.host(),
                AclOperation.valueOf(a.operation()), AclPermissionType.valueOf(a.permission())));
    }

    /**
     * Records the inventory as it really is after this run: topics whose create failed are not owned; topics whose
     * delete failed still are.
     */
    private void updateInventory(Step step, Map<String, StepResult> results) {
        long start = System.nanoTime();
        UpdateInventory c = (UpdateInventory) step.change();
        TreeMap<String, String> topics = new TreeMap<>(c.topics());
        TreeMap<String, ManagedUser> users = new TreeMap<>(c.users());
        freshHashes.forEach((user, hash) -> users.computeIfPresent(user, (k, u) -> u.withPasswordHash(hash)));
        for (Step s : stepsById.values()) {
            StepResult r = results.get(s.id());
            if (r == null || r.outcome() == StepResult.Outcome.OK) continue;
            forgetFailed(s.change(), topics, users);
        }
        try {
            inventoryReady.exceptionally(e -> null).join(); // a failed prepare is retried by save, which reports it
            inventoryStore.save(new Inventory(c.cluster(), c.source(), c.commit(), java.time.Instant.now(), topics, users));
            record(results, StepResult.ok(step.id(), Duration.ofNanos(System.nanoTime() - start)));
        } catch (InventoryStore.InventoryException e) {
            record(results, StepResult.failed(step.id(), e.getMessage(), Duration.ofNanos(System.nanoTime() - start)));
        }
    }

    private List<Step> succeeded(Map<String, StepResult> results) {
        return stepsById.values().stream().filter(s -> results.containsKey(s.id())
                && results.get(s.id()).outcome() == StepResult.Outcome.OK).toList();
    }

    /** Adjusts the planned inventory for a step that did not succeed, so that it records only what is true. */
    private static void forgetFailed(Change change, Map<String, String> topics, Map<String, ManagedUser> users) {
        if (change instanceof CreateTopic c) {
            topics.remove(c.topic());
        } else if (change instanceof UpsertScramCredential c) {
            users.computeIfPresent(c.user(), (k, u) -> new ManagedUser(u.principal(), u.mechanism(), "", u.acls(), u.quotaKeys()));
        } else if (change instanceof CreateAcls c) {
            users.computeIfPresent(c.user(), (k, u) -> new ManagedUser(u.principal(), u.mechanism(), u.passwordHash(),
                    u.acls().stream().filter(a -> !c.acls().contains(a)).toList(), u.quotaKeys()));
        } else if (change instanceof DeleteAcls c) {
            ManagedUser u = users.get(c.user());
            List<AclRule> kept = new ArrayList<>(c.acls());
            if (u != null) kept.addAll(u.acls());
            users.put(c.user(), u != null ? new ManagedUser(u.principal(), u.mechanism(), u.passwordHash(), kept, u.quotaKeys())
                    : new ManagedUser(c.acls().get(0).principal(), "", "", kept, new java.util.TreeSet<>()));
        } else if (change instanceof AlterUserQuotas c) {
            users.computeIfPresent(c.user(), (k, u) -> {
                var keys = new java.util.TreeSet<>(u.quotaKeys());
                keys.addAll(c.remove());
                return new ManagedUser(u.principal(), u.mechanism(), u.passwordHash(), u.acls(), keys);
            });
        }
    }

    private void prepareInventory() {
        try {
            inventoryStore.prepare();
        } catch (InventoryStore.InventoryException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    private void collect(Step step, KafkaFuture<Void> future, long start, Map<String, StepResult> results) {
        try {
            future.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            record(results, StepResult.ok(step.id(), Duration.ofNanos(System.nanoTime() - start)));
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            record(results, StepResult.failed(step.id(), reason(e), Duration.ofNanos(System.nanoTime() - start)));
        }
    }

    static String reason(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof java.util.concurrent.TimeoutException) return "no answer from the cluster in time";
        String name = t.getClass().getSimpleName().replace("Exception", "");
        return name + ": " + t.getMessage();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

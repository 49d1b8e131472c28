package io.kgr.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;

import io.kgr.desired.SecretResolver;
import io.kgr.inventory.Inventories;
import io.kgr.inventory.InventoryRecords;
import io.kgr.model.AclRule;
import io.kgr.observe.KubeObserver;
import io.kgr.plan.Change;
import io.kgr.plan.Change.AlterUserQuotas;
import io.kgr.plan.Change.CreateAcls;
import io.kgr.plan.Change.CreateTopic;
import io.kgr.plan.Change.DeleteAcls;
import io.kgr.plan.Change.DeleteScramCredential;
import io.kgr.plan.Change.DeleteTopic;
import io.kgr.plan.Change.DeleteUserSecret;
import io.kgr.plan.Change.UpdateInventory;
import io.kgr.plan.Change.UpsertScramCredential;
import io.kgr.plan.Plan;
import io.kgr.plan.Step;
import io.kgr.inventory.Inventory;
import io.kgr.inventory.InventoryStore;
import io.kgr.inventory.ManagedUser;

/**
 * Executes a plan's steps in order. Consecutive steps of one kind go to the broker as one batched request (see
 * {@link TopicSteps}, {@link UserSteps}); each step still gets its own result. A step whose dependency did not succeed
 * is skipped. The inventory step runs last and records what is actually true after the run, so a failure half-way
 * leaves a state the next run converges from.
 */
public final class Applier {
    private final InventoryStore inventoryStore;
    private final BiFunction<Plan, Results, Executors> executors;
    private final ApplyOptions options;
    private final Consumer<StepResult> progress;
    private BooleanSupplier stopping = () -> false;
    private BooleanSupplier leaseLost = () -> false;

    /** A shutdown, or a lost writer lease: no further batch (or roll) starts; the one in flight finishes. */
    private boolean stopNow() {
        return stopping.getAsBoolean() || leaseLost.getAsBoolean();
    }

    private String whyStopped() {
        return leaseLost.getAsBoolean() ? "not started: kgr lost the cluster's writer lease (another writer has it)"
                : "not started: kgr is shutting down";
    }
    private Optional<KubeObserver> kube = Optional.empty();
    private KubeWaits waits = KubeWaits.defaults();

    public Applier(Admin admin, InventoryStore inventoryStore, SecretResolver secrets, ApplyOptions options,
                   Consumer<StepResult> progress) {
        this.inventoryStore = inventoryStore;
        this.options = options;
        this.progress = progress;
        this.executors = (plan, results) -> onTheCluster(admin, secrets, plan, results);
    }

    /** An applier whose steps are carried out by the given executors (tests). */
    Applier(InventoryStore inventoryStore, ApplyOptions options, Consumer<StepResult> progress,
            BiFunction<Plan, Results, Executors> executors) {
        this.inventoryStore = inventoryStore;
        this.options = options;
        this.progress = progress;
        this.executors = executors;
    }

    /**
     * Lets a shutdown end the run early: once {@code stopping} is true, no further batch starts (the one in flight
     * finishes), the remaining steps are reported as not started, and the inventory still records what was done.
     */
    public Applier stopWhen(BooleanSupplier stopping) {
        this.stopping = stopping;
        return this;
    }

    /** Why a step waits (an approval, a maintenance window), if it does: it is not run, nor what depends on it. */
    private Function<Step, Optional<String>> holding = s -> Optional.empty();

    public Applier holding(Function<Step, Optional<String>> holding) {
        this.holding = holding;
        return this;
    }

    /** The cluster's namespace, for plans with Kubernetes steps. */
    public Applier withKubernetes(KubeObserver kube, KubeWaits waits) {
        this.kube = Optional.of(kube);
        this.waits = waits;
        return this;
    }

    /** Who this apply is, in the cluster's writer lease (kgr serve's pod, or a CLI run's host and process). */
    private String writer = defaultWriter();

    public Applier writingAs(String identity) {
        this.writer = identity;
        return this;
    }

    private static String defaultWriter() {
        String host = System.getenv().getOrDefault("HOSTNAME", "");
        if (host.isEmpty()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
        }
        return "kgr@" + host + "/" + ProcessHandle.current().pid();
    }

    /**
     * Applies the plan. A plan that writes the cluster's Kubernetes objects first takes the cluster's writer lease (one
     * kgr writer per cluster at a time) and gives it back at the end; a lease held by another writer starts nothing.
     */
    public ApplyReport apply(Plan plan) {
        // the lease guards what two writers must never do at once, the cluster's pods and objects (rolls above all);
        // topics and users of two sources are kept apart by their inventories
        boolean writesKubernetes = plan.steps().stream().anyMatch(st -> executorOf(st.change().type()) == Executor.KUBERNETES);
        if (kube.isEmpty() || !writesKubernetes) return applyHolding(plan, () -> false);
        WriterLease lease;
        try {
            lease = WriterLease.acquire(kube.get().client(), kube.get().namespace(), plan.header().cluster(), writer);
        } catch (WriterLease.Held e) {
            Results results = new Results(progress, options.requestTimeout());
            plan.steps().forEach(st -> results.record(StepResult.notStarted(st.id(), "not started: " + e.getMessage())));
            return new ApplyReport(results.all(), Duration.ZERO);
        }
        try {
            return applyHolding(plan, lease::lost);
        } finally {
            lease.close();
        }
    }

    private ApplyReport applyHolding(Plan plan, BooleanSupplier leaseLost) {
        this.leaseLost = leaseLost;
        long start = System.nanoTime();
        Results results = new Results(progress, options.requestTimeout());
        Executors on = executors.apply(plan, results);
        CompletableFuture<Void> inventoryReady = inventoryReadyFor(plan);
        List<Step> steps = plan.steps();
        int i = 0;
        while (i < steps.size()) {
            String kind = steps.get(i).change().kind();
            List<Step> batch = new ArrayList<>();
            while (i < steps.size() && steps.get(i).change().kind().equals(kind)) {
                Step step = steps.get(i++);
                if (mayRun(step, results)) batch.add(step);
            }
            if (batch.isEmpty()) continue;
            Change first = batch.get(0).change();
            if (first instanceof UpdateInventory && leaseLost.getAsBoolean()) {
                // another writer has the cluster now and may write its own: a stale record must not follow it
                batch.forEach(s -> results.record(StepResult.notStarted(s.id(), "not started: kgr lost the cluster's writer"
                        + " lease; the next run plans again from what is on the cluster")));
                continue;
            }
            if (!(first instanceof UpdateInventory) && stopNow()) {
                batch.forEach(s -> results.record(StepResult.notStarted(s.id(), whyStopped())));
                continue;
            }
            Runnable run = switch (executorOf(first.type())) {
                case KUBERNETES -> () -> runKubernetes(first, batch, results, on);
                case INVENTORY -> () -> {
                    inventoryReady.exceptionally(e -> null).join(); // a failed prepare is retried by save, which reports it
                    batch.forEach(s -> updateInventory(s, plan, results, on.freshHashes()));
                };
                case KAFKA -> () -> on.onKafka(first.type(), batch);
            };
            run.run();
        }
        // the next plan should read back what was just applied (bounded: a slow broker does not fail the apply)
        List<Step> succeeded = steps.stream().filter(s -> results.succeeded(s.id())).toList();
        on.awaitVisible(succeeded);
        return new ApplyReport(results.all(), Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * The inventory's topic is asked for first, then made ready while the other steps run: a new partition takes a
     * while to get a leader, and longer behind thousands of others.
     */
    private CompletableFuture<Void> inventoryReadyFor(Plan plan) {
        if (plan.steps().stream().anyMatch(s -> s.change() instanceof UpdateInventory)
                && plan.steps().stream().anyMatch(s -> s.change() instanceof Change.CreateTopic)) {
            try {
                inventoryStore.create();
            } catch (InventoryStore.InventoryException e) {
                // prepare tries again, and the inventory step reports what failed
            }
        }
        return plan.steps().stream().anyMatch(s -> s.change() instanceof UpdateInventory)
                ? CompletableFuture.runAsync(this::prepareInventory) : CompletableFuture.completedFuture(null);
    }

    /**
     * Whether the step joins its batch; if not, its result says why: a step it depends on did not succeed (skipped),
     * or it or such a step waits for an approval or a window (held). The inventory step is never held.
     */
    private boolean mayRun(Step step, Results results) {
        Optional<String> failedDependency = step.dependsOn().stream().filter(results::didNotSucceed).findFirst();
        Optional<String> held = holding.apply(step);
        if (failedDependency.isPresent() && results.held(failedDependency.get())) {
            results.record(StepResult.held(step.id(), "held: waits for step " + failedDependency.get()));
        } else if (failedDependency.isPresent()) {
            results.record(StepResult.skipped(step.id(), failedDependency.get()));
        } else if (held.isPresent() && !(step.change() instanceof UpdateInventory)) {
            results.record(StepResult.held(step.id(), held.get()));
        } else {
            return true;
        }
        return false;
    }

    /** Who runs a batch of one kind of change: the namespace, the brokers, or the inventory store. */
    private enum Executor { KUBERNETES, KAFKA, INVENTORY }

    /** A kind of change added to the plan fails to compile here until it is given an executor. */
    private static Executor executorOf(Change.Kind kind) {
        return switch (kind) {
            case TAKE_OVER_OBJECT, APPLY_KUBE_OBJECT, EXPAND_VOLUME, CREATE_POD, ROLL_POD, DELETE_KUBE_OBJECT, UNREGISTER_BROKER, ISSUE_CA,
                    ISSUE_CERTIFICATE -> Executor.KUBERNETES;
            case CREATE_TOPIC, INCREASE_PARTITIONS, ALTER_TOPIC_CONFIG, CHANGE_REPLICATION_FACTOR, MOVE_REPLICAS,
                    DELETE_TOPIC, UPSERT_SCRAM_CREDENTIAL, CREATE_USER_SECRET, DELETE_USER_SECRET, DELETE_SCRAM_CREDENTIAL,
                    CREATE_ACLS, DELETE_ACLS, ALTER_USER_QUOTAS, ALTER_BROKER_CONFIG, REMOVE_THROTTLES -> Executor.KAFKA;
            case UPDATE_INVENTORY -> Executor.INVENTORY;
        };
    }

    private void runKubernetes(Change first, List<Step> batch, Results results, Executors on) {
        if (first.type() == Change.Kind.CREATE_POD) {
            on.createPods(batch);
            return;
        }
        for (Step s : batch) {
            // a roll waits for the one before it: a failed roll stops the rest
            Optional<String> failed = s.dependsOn().stream().filter(results::didNotSucceed).findFirst();
            if (failed.isPresent()) results.record(StepResult.skipped(s.id(), failed.get()));
            else if (stopNow()) results.record(StepResult.notStarted(s.id(), whyStopped()));
            else on.onKubernetes(s);
        }
    }

    /** The brokers (through the Admin client) and the namespace (once {@link #withKubernetes} gave it). */
    private Executors onTheCluster(Admin admin, SecretResolver secrets, Plan plan, Results results) {
        TopicSteps topics = new TopicSteps(admin, options, results,
                new MovesLog(inventoryStore, plan.header().cluster(), plan.header().source()), this::stopNow);
        UserSteps users = new UserSteps(admin, secrets, results, plan.header().cluster(), options.maxRecordsPerRequest());
        Duration visibilityWait = options.requestTimeout().compareTo(Duration.ofSeconds(15)) < 0
                ? options.requestTimeout() : Duration.ofSeconds(15);
        return new Executors() {
            private KubeSteps kubeSteps;

            private KubeSteps onKube() {
                if (kubeSteps == null) {
                    kubeSteps = new KubeSteps(kube.orElseThrow(() -> new IllegalStateException(
                            "the plan has Kubernetes steps but no Kubernetes namespace was given")), admin, results, waits);
                }
                return kubeSteps;
            }

            @Override
            public void onKafka(Change.Kind kind, List<Step> batch) {
                runOnKafka(kind, batch, topics, users);
            }

            @Override
            public void createPods(List<Step> batch) {
                onKube().createPods(batch);
            }

            @Override
            public void onKubernetes(Step step) {
                onKube().run(step);
            }

            @Override
            public void awaitVisible(List<Step> succeeded) {
                new Visibility(admin, visibilityWait).await(succeeded);
            }

            @Override
            public Map<String, String> freshHashes() {
                return users.freshHashes;
            }
        };
    }

    private static void runOnKafka(Change.Kind kind, List<Step> batch, TopicSteps topics, UserSteps users) {
        Runnable run = switch (kind) {
            case CREATE_TOPIC -> () -> topics.create(batch);
            case INCREASE_PARTITIONS -> () -> topics.increasePartitions(batch);
            case ALTER_TOPIC_CONFIG -> () -> topics.alterConfigs(batch);
            case CHANGE_REPLICATION_FACTOR, MOVE_REPLICAS -> () -> topics.reassign(batch);
            case DELETE_TOPIC -> () -> topics.delete(batch);
            case ALTER_BROKER_CONFIG -> () -> topics.alterBrokerDefaults(batch);
            case REMOVE_THROTTLES -> () -> topics.removeThrottles(batch);
            case CREATE_USER_SECRET -> () -> users.createSecrets(batch);
            case UPSERT_SCRAM_CREDENTIAL -> () -> users.upsertCredentials(batch);
            case DELETE_SCRAM_CREDENTIAL -> () -> users.deleteCredentials(batch);
            case DELETE_USER_SECRET -> () -> users.deleteSecrets(batch);
            case CREATE_ACLS -> () -> users.createAcls(batch);
            case DELETE_ACLS -> () -> users.deleteAcls(batch);
            case ALTER_USER_QUOTAS -> () -> users.alterQuotas(batch);
            case TAKE_OVER_OBJECT, APPLY_KUBE_OBJECT, EXPAND_VOLUME, CREATE_POD, ROLL_POD, DELETE_KUBE_OBJECT, UNREGISTER_BROKER, ISSUE_CA,
                    ISSUE_CERTIFICATE, UPDATE_INVENTORY -> throw new IllegalStateException(kind + " is not run on the brokers");
        };
        run.run();
    }

    /** The inventories as stored when this apply needed them first (the plan carries no hashes and no keys). */
    private InventoryRecords stored;

    private synchronized InventoryRecords stored() {
        if (stored == null) {
            try {
                stored = inventoryStore.loadAll();
            } catch (InventoryStore.InventoryException e) {
                throw new CompletionException(e);
            }
        }
        return stored;
    }

    /**
     * Records the inventory as it really is after this run: a topic whose create failed is not owned; ACLs whose
     * delete failed still are; generated passwords get the hash the plan could not know.
     */
    private void updateInventory(Step step, Plan plan, Results results, Map<String, String> freshHashes) {
        long start = System.nanoTime();
        UpdateInventory c = (UpdateInventory) step.change();
        try {
            Inventories now = stored().select(c.cluster(), c.source());
            List<Change> notDone = plan.steps().stream().filter(s -> results.didNotSucceed(s.id())).map(Step::change).toList();
            Inventory recorded = RecordedInventory.after(c, now.own(), notDone, freshHashes, Instant.now());
            TreeMap<String, String> topics = new TreeMap<>(recorded.topics());
            TreeMap<String, ManagedUser> users = new TreeMap<>(recorded.users());
            TreeMap<String, String> adopted = new TreeMap<>(recorded.adopted());
            inventoryStore.save(recorded);
            List<String> lost = yieldToEarlierClaims(c, now.own(), topics, users, adopted);
            if (lost.isEmpty()) results.ok(step, start);
            else results.failed(step, "another source took over " + String.join(", ", lost) + " at the same time and"
                    + " recorded it first; this source no longer claims it (plan again to see who owns it)", start);
        } catch (InventoryStore.InventoryException e) {
            results.failed(step, e.getMessage(), start);
        } catch (CompletionException e) {
            results.failed(step, e.getCause() == null ? e.getMessage() : e.getCause().getMessage(), start);
        }
    }

    /**
     * Two sources that take over one resource at the same moment must not both own it: after writing, kgr reads back
     * every inventory written before its own (the store's read-back), and where another source's inventory claiming a
     * newly added resource was written first, this source gives the resource up (and writes again). Both sides decide
     * alike, from the store's own order: what was written after a source's write does not change its decision.
     */
    private List<String> yieldToEarlierClaims(UpdateInventory c, Inventory before, TreeMap<String, String> topics,
                                              TreeMap<String, ManagedUser> users, TreeMap<String, String> adopted)
            throws InventoryStore.InventoryException {
        boolean added = topics.keySet().stream().anyMatch(t -> !before.owns(t))
                || users.keySet().stream().anyMatch(u -> !before.ownsUser(u));
        if (!added) return List.of();
        InventoryRecords after = inventoryStore.readBack();
        long mine = after.writtenAt(c.cluster(), c.source());
        List<String> lost = new ArrayList<>();
        for (Inventory other : after.all()) {
            if (!other.cluster().equals(c.cluster()) || other.source().equals(c.source())
                    || after.writtenAt(other.cluster(), other.source()) > mine) continue;
            for (String t : List.copyOf(topics.keySet())) {
                if (!before.owns(t) && other.owns(t)) {
                    topics.remove(t);
                    adopted.remove(t);
                    lost.add("topic " + t + " ('" + other.source() + "')");
                }
            }
            for (String u : List.copyOf(users.keySet())) {
                if (!before.ownsUser(u) && other.ownsUser(u)) {
                    users.remove(u);
                    lost.add("user " + u + " ('" + other.source() + "')");
                }
            }
        }
        if (!lost.isEmpty()) {
            inventoryStore.save(new Inventory(c.cluster(), c.source(), c.commit(), Instant.now(), topics, users, adopted));
        }
        return lost;
    }

    private void prepareInventory() {
        try {
            inventoryStore.prepare();
        } catch (InventoryStore.InventoryException e) {
            throw new CompletionException(e);
        }
        try {
            stored(); // read while the other steps run; the inventory step reports a read that failed
        } catch (CompletionException e) {
            // tried again by the inventory step
        }
    }
}

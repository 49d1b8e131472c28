package io.kgr;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.kgr.desired.DesiredState;
import io.kgr.desired.DesiredStateBuilder;
import io.kgr.desired.SecretResolver;
import io.kgr.manifest.ManifestLoader;
import io.kgr.manifest.Manifests;
import io.kgr.manifest.SchemaCatalog;
import io.kgr.observe.LiveState;
import io.kgr.observe.ObserveException;
import io.kgr.plan.Plan;
import io.kgr.plan.PlanHeader;
import io.kgr.plan.Planner;
import io.kgr.plan.Policy;
import io.kgr.source.GitSource;
import io.kgr.source.Snapshot;
import io.kgr.source.SourceException;
import io.kgr.source.SourceSpec;
import io.kgr.status.Inventories;
import io.kgr.status.InventoryRecords;
import io.kgr.status.InventoryStore.InventoryException;

/**
 * source → manifest → desired → observe → plan. Each stage returns a value or stops the run with a status naming
 * that stage. Applying is separate: it consumes the {@link Plan} this returns (see {@code apply.Applier}).
 */
public final class Reconciler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Reconciler.class);
    private final GitSource git;
    private final ManifestLoader loader;
    private final Planner planner = new Planner();
    private final Clock clock;
    private final SecretResolver secrets;

    public Reconciler(Clock clock, SecretResolver secrets) {
        this(clock, secrets, new ManifestLoader(new SchemaCatalog()));
    }

    /** @param loader reused across runs by a service: it reads only the files that changed since the last run */
    public Reconciler(Clock clock, SecretResolver secrets, ManifestLoader loader) {
        this(clock, secrets, loader, new GitSource());
    }

    /** @param git reused across runs by a service: it keeps the blobs of the commit it read last */
    public Reconciler(Clock clock, SecretResolver secrets, ManifestLoader loader, GitSource git) {
        this.git = git;
        this.clock = clock;
        this.secrets = secrets;
        this.loader = loader;
    }

    /** Reads and validates the source only; nothing on a cluster is contacted. */
    public PlanRun validate(SourceSpec source, java.util.Optional<String> cluster) {
        Read read = read(source, cluster);
        if (read.failure() != null) return PlanRun.failed(RunStatus.SOURCE_FAILED, read.failure().getMessage(), null, List.of());
        DesiredStateBuilder.Result desired = read.desired();
        if (!desired.ok()) return invalid(read.snapshot(), desired);
        return new PlanRun(RunStatus.SUCCEEDED, summary(desired.state().get()), java.util.Optional.of(read.snapshot()),
                desired.diagnostics(), java.util.Optional.empty());
    }

    /** @param sourceName the source's name in inventories; null: its default identity ({@link GitSource#identity}) */
    public PlanRun plan(SourceSpec source, String sourceName, Target target, Policy policy) {
        // Git and the cluster are read at the same time (observing changes nothing); a run stops at the first failure
        return readAndPlan(source, sourceName, target, policy, observe(target)).run();
    }

    /** A plan and the desired state it was made for (none when the source could not be read). */
    private record Planned(PlanRun run, DesiredStateBuilder.Result desired) {
    }

    /** Reads Git while {@code observation} runs, then plans. */
    private Planned readAndPlan(SourceSpec source, String sourceName, Target target, Policy policy,
                                CompletableFuture<Observation> observation) {
        Read read = read(source, target.cluster());
        if (read.failure() != null) {
            return new Planned(PlanRun.failed(RunStatus.SOURCE_FAILED, read.failure().getMessage(), null, List.of()), null);
        }
        return new Planned(plan(source, read.snapshot(), sourceName, target, policy, observation, java.util.Optional.empty(),
                read.desired()), read.desired());
    }

    /** What reading a source gave: its snapshot and desired state, or why it could not be read. */
    private record Read(Snapshot snapshot, DesiredStateBuilder.Result desired, SourceException failure) {
    }

    /** A read started by {@link #readAhead}, for that source and cluster. */
    private record Ahead(SourceSpec source, java.util.Optional<String> cluster, CompletableFuture<Read> read) {
    }

    private final java.util.concurrent.atomic.AtomicReference<Ahead> ahead = new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Starts reading {@code source} — files, cached manifests, desired state — on another thread, for the next plan of
     * that source and cluster: a CLI run reads Git while it connects to the cluster's Kafka (which this does not
     * contact; Secrets named by users are read, as a plan reads them).
     */
    public Reconciler readAhead(SourceSpec source, java.util.Optional<String> cluster) {
        ahead.set(new Ahead(source, cluster, CompletableFuture.supplyAsync(() -> readNow(source, cluster))));
        return this;
    }

    private Read read(SourceSpec source, java.util.Optional<String> cluster) {
        Ahead started = ahead.getAndSet(null);
        if (started != null) {
            boolean mine = started.source().equals(source) && started.cluster().equals(cluster);
            try {
                Read read = started.read().join(); // one reader of the source at a time
                if (mine) return read;
            } catch (CompletionException e) {
                if (mine && e.getCause() instanceof RuntimeException r) throw r;
                if (mine && e.getCause() instanceof Error r) throw r;
                if (mine) throw e;
            }
        }
        return readNow(source, cluster);
    }

    private Read readNow(SourceSpec source, java.util.Optional<String> cluster) {
        loader.prefetch(manifestCache(source)); // read while the source is
        Snapshot snapshot;
        try {
            long start = System.nanoTime();
            snapshot = git.read(source);
            LOG.debug("read the source in {} ms", millis(start));
        } catch (SourceException e) {
            return new Read(null, null, e);
        }
        return new Read(snapshot, desire(source, snapshot, cluster), null);
    }

    /**
     * What a long-running service remembers of its last full run, so that a push plans and applies what it changed
     * first: the cluster as last fully observed, the desired state planned then, and the topics applied since (their
     * observation is out of date). A scheduled run reads everything again (drift is found there).
     */
    public static final class Memory {
        private LiveState live;
        private DesiredState desired;
        private java.time.Instant at = java.time.Instant.MIN;
        private final java.util.Set<String> touched = java.util.concurrent.ConcurrentHashMap.newKeySet();

        /** The topics a run applied steps to: a push reads them again. */
        public void applied(java.util.Collection<String> topics) {
            touched.addAll(topics);
        }

        synchronized void full(LiveState live, DesiredState desired, java.time.Instant at) {
            this.live = live;
            this.desired = desired;
            this.at = at;
            touched.clear();
        }

        synchronized void partial(LiveState live, DesiredState desired, java.util.Set<String> readAgain) {
            this.live = live;
            this.desired = desired;
            touched.removeAll(readAgain);
        }
    }

    /**
     * A push: plans against the remembered observation with only the topics whose declaration changed since (and those
     * applied since) read again — the brokers, users, ACLs, quotas and inventories are read in full. Falls back to a
     * full run when there is nothing remembered younger than {@code maxAge}, when the cluster or its nodes changed, or
     * when the push removes topics or users (a deletion is planned only from a full, fresh observation).
     */
    public PlanRun planPush(SourceSpec source, String sourceName, Target target, Policy policy, Memory memory,
                            java.time.Duration maxAge) {
        LiveState earlier;
        DesiredState before;
        synchronized (memory) {
            earlier = memory.live;
            before = memory.desired;
            if (earlier == null || before == null || memory.at.isBefore(clock.instant().minus(maxAge))) {
                return planRemembering(source, sourceName, target, policy, memory);
            }
        }
        Read read = read(source, target.cluster());
        if (read.failure() != null) return PlanRun.failed(RunStatus.SOURCE_FAILED, read.failure().getMessage(), null, List.of());
        Snapshot snapshot = read.snapshot();
        DesiredStateBuilder.Result desired = read.desired();
        if (!desired.ok()) return invalid(snapshot, desired);
        DesiredState now = desired.state().get();
        java.util.Set<String> changed = new java.util.TreeSet<>(memory.touched);
        boolean removes = before.topics().keySet().stream().anyMatch(t -> !now.topics().containsKey(t))
                || before.users().keySet().stream().anyMatch(u -> !now.users().containsKey(u));
        if (removes || !before.kafka().equals(now.kafka()) || !before.cluster().equals(now.cluster())) {
            return planRemembering(source, sourceName, target, policy, memory);
        }
        now.topics().forEach((name, spec) -> {
            if (!spec.equals(before.topics().get(name))) changed.add(name);
        });
        // a push that changes many topics is read in bulk: one listing costs less than thousands of names asked for
        if (changed.size() > 1000 && changed.size() * 10L > now.topics().size()) {
            return planRemembering(source, sourceName, target, policy, memory);
        }
        CompletableFuture<Observation> observation = CompletableFuture.supplyAsync(() -> {
            try {
                return new Observation(target.kafka().observe(earlier, changed), target.inventory().loadAll());
            } catch (ObserveException | InventoryException e) {
                throw new CompletionException(e);
            }
        });
        PlanRun run = plan(source, snapshot, sourceName, target, policy, observation, java.util.Optional.empty(), desired);
        if (run.plan().isPresent()) {
            try {
                memory.partial(observation.join().live(), now, changed);
            } catch (CompletionException e) {
                // nothing observed: nothing to remember
            }
        }
        return run;
    }

    /** A full run that remembers what it observed, for the pushes after it. */
    public PlanRun planRemembering(SourceSpec source, String sourceName, Target target, Policy policy, Memory memory) {
        java.time.Instant at = clock.instant();
        CompletableFuture<Observation> observation = observe(target);
        Planned planned = readAndPlan(source, sourceName, target, policy, observation);
        PlanRun run = planned.run();
        if (run.plan().isPresent() && planned.desired().ok()) {
            try {
                memory.full(observation.join().live(), planned.desired().state().get(), at);
            } catch (CompletionException e) {
                // a cluster that does not answer yet: nothing to remember
            }
        }
        return run;
    }

    /**
     * How long after an apply a plan waits for recorded topics the controller could not be asked about (a large create
     * lags): past it, such a topic is taken as deleted.
     */
    static final java.time.Duration STALE_WAIT = java.time.Duration.ofSeconds(90);

    /** How long a plan waits for the brokers to list topics the controller has (50,000 new ones: minutes here). */
    static final java.time.Duration LAG_WAIT = java.time.Duration.ofMinutes(10);

    /**
     * How long, and at least how many times, a plan reads again topics the brokers already list but do not describe
     * (with their configs): a broker that lags the one that listed them catches up within a second or two; one that
     * has not after this long and this many reads is not lagging (before, such a topic held every plan for
     * {@link #STALE_WAIT}). The count keeps a large cluster's reads (each one a minute at 50,000 topics under load)
     * from being cut short by the time alone.
     */
    static final java.time.Duration LISTED_WAIT = java.time.Duration.ofSeconds(10);
    static final int LISTED_READS = 3;

    /**
     * An observation no older than the controller's view of the topics this source recorded. The controller
     * acknowledges a create long before every broker lists the topic (10,000 new topics: ≈ 20 s on two cores, 50,000
     * on four brokers: minutes), so a plan made right after an apply — by the same process or the next one — could see
     * topics the inventory records missing, and plan them again. For recorded topics the brokers do not list, the
     * controller is asked: those it has are waited for (up to {@link #LAG_WAIT}; the names are polled, since a full
     * read slows down brokers that are still creating logs) and read again once listed; those it has not were deleted
     * behind kgr's back, and the plan says so as drift at once. Those it did not answer for are waited for only while
     * the last apply is younger than {@link #STALE_WAIT}.
     */
    private Observation notOlderThanTheLastApply(Observation observed, io.kgr.status.Inventory own, Target target) {
        java.util.Set<String> missing = new java.util.TreeSet<>(own.topics().keySet());
        missing.removeAll(observed.live().topics().keySet());
        if (missing.isEmpty()) return observed;
        io.kgr.observe.KafkaState.ControllerTopics controller = target.kafka().atTheController(missing);
        missing.removeAll(controller.absent());
        java.util.Set<String> unanswered = new java.util.TreeSet<>(missing);
        unanswered.removeAll(controller.exist());
        java.time.Duration sinceApply = java.time.Duration.between(own.appliedAt(), clock.instant());
        if (!unanswered.isEmpty() && (sinceApply.isNegative() || sinceApply.compareTo(STALE_WAIT) > 0)) {
            missing.removeAll(unanswered); // no recent apply to wait for: taken as gone
            unanswered.clear();
        }
        if (missing.isEmpty()) return observed;
        java.time.Duration left = controller.exist().isEmpty() ? STALE_WAIT.minus(sinceApply) : LAG_WAIT;
        LOG.info("{} topic(s) this source recorded are not listed by the brokers yet ({} of them known to the controller;"
                + " last apply {}); waiting up to {} s", missing.size(), missing.size() - unanswered.size(), own.appliedAt(),
                left.toSeconds());
        long deadline = System.nanoTime() + left.toNanos();
        long pause = 100;
        long nextReport = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        Observation now = observed;
        // a wait that sees no progress for this long is not a lag (say, a topic whose configs kgr may not read)
        long stuckAfter = STALE_WAIT.toNanos();
        long progressAt = System.nanoTime();
        int listedBefore = -1;
        long allListedAt = 0; // since when every name waited for is listed, but not all could be read (0: not yet)
        int fruitless = 0; // reads of listed names since then that read none of them
        try {
            while (!missing.isEmpty() && System.nanoTime() < deadline && System.nanoTime() - progressAt < stuckAfter
                    && (fruitless < LISTED_READS || System.nanoTime() - allListedAt < LISTED_WAIT.toNanos())) {
                Thread.sleep(pause);
                pause = Math.min(1000, pause * 2);
                java.util.Set<String> listed = new java.util.TreeSet<>(missing);
                listed.retainAll(target.kafka().topicNames());
                if (listed.size() > listedBefore) progressAt = System.nanoTime();
                listedBefore = listed.size();
                if (System.nanoTime() > nextReport) {
                    LOG.info("{} of {} topic(s) listed by the brokers so far", listed.size(), missing.size());
                    nextReport = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
                }
                if (listed.size() < missing.size()) continue;
                if (allListedAt == 0) allListedAt = System.nanoTime();
                // every broker has its own view: the one asked to describe them may still lag the one that listed them
                now = new Observation(target.kafka().observe(now.live(), listed), now.inventories());
                int before = missing.size();
                missing.removeAll(now.live().topics().keySet());
                if (missing.size() < before) {
                    progressAt = System.nanoTime();
                    allListedAt = progressAt; // the rest get their own time and reads
                    fruitless = 0;
                    listedBefore = -1; // the next listing is of fewer names
                } else {
                    fruitless++;
                }
            }
            if (!missing.isEmpty()) {
                // out of time: those listed by now are read, the rest planned from what is known
                java.util.Set<String> listed = new java.util.TreeSet<>(missing);
                listed.retainAll(target.kafka().topicNames());
                if (!listed.isEmpty()) now = new Observation(target.kafka().observe(now.live(), listed), now.inventories());
                missing.removeAll(now.live().topics().keySet());
                listed.retainAll(missing);
                LOG.warn("{} recorded topic(s) still not read from the brokers after waiting ({} of them listed, but their"
                        + " description or configs not readable); planned as missing", missing.size(), listed.size());
            }
            return now;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return now;
        } catch (ObserveException e) {
            return now; // the brokers stopped answering: plan from what was read
        }
    }

    /**
     * While the Git server does not answer ({@code unreachable} says how): the commit last fetched, planned again so
     * that drift is still corrected — only when it is the commit last applied to the cluster (never back to an older
     * one, which another replica may have moved past), and without pruning.
     */
    public PlanRun planLastFetched(SourceSpec source, String sourceName, Target target, Policy policy, String unreachable) {
        CompletableFuture<Observation> observation = observe(target);
        Snapshot snapshot;
        try {
            snapshot = git.readLastFetched(source);
        } catch (SourceException e) {
            return PlanRun.failed(RunStatus.SOURCE_FAILED, unreachable, null, List.of());
        }
        return plan(source, snapshot, sourceName, target, policy.whileGitIsDown(), observation,
                java.util.Optional.of(unreachable));
    }

    private PlanRun plan(SourceSpec source, Snapshot snapshot, String givenName, Target target, Policy policy,
                         CompletableFuture<Observation> observation, java.util.Optional<String> gitUnreachable) {
        return plan(source, snapshot, givenName, target, policy, observation, gitUnreachable, desire(source, snapshot, target.cluster()));
    }

    private PlanRun plan(SourceSpec source, Snapshot snapshot, String givenName, Target target, Policy policy,
                         CompletableFuture<Observation> observation, java.util.Optional<String> gitUnreachable,
                         DesiredStateBuilder.Result desired) {
        String sourceName;
        try {
            sourceName = givenName != null ? givenName : git.identity(source, snapshot);
        } catch (SourceException e) {
            return PlanRun.failed(RunStatus.SOURCE_FAILED, e.getMessage(), snapshot, List.of());
        }
        if (!desired.ok()) return invalid(snapshot, desired);
        DesiredState state = desired.state().get();
        if (state.cluster().isEmpty()) {
            return PlanRun.failed(RunStatus.VALIDATION_FAILED, "no manifest names its cluster (label strimzi.io/cluster)"
                    + " and no --cluster was given: kgr cannot tell which cluster's inventory to compare with", snapshot,
                    desired.diagnostics());
        }

        boolean managesPods = state.kafka().isPresent() && target.kube().isPresent();
        Observation observed = null;
        String whyNoKafka = "";
        try {
            observed = observation.join();
        } catch (CompletionException e) {
            // a cluster kgr creates on Kubernetes has no brokers to answer yet: its pods are planned without them
            if (!managesPods) {
                return PlanRun.failed(RunStatus.OBSERVE_FAILED, causeOf(e), snapshot, desired.diagnostics());
            }
            whyNoKafka = causeOf(e);
        }
        java.util.Optional<io.kgr.observe.LiveKube> kube = java.util.Optional.empty();
        if (managesPods) {
            try {
                kube = java.util.Optional.of(target.kube().get().observe());
            } catch (io.kgr.observe.ObserveException e) {
                return PlanRun.failed(RunStatus.OBSERVE_FAILED, e.getMessage(), snapshot, desired.diagnostics());
            }
        }
        Inventories inventories = (observed == null ? InventoryRecords.none() : observed.inventories())
                .select(state.cluster(), sourceName);
        if (observed != null) observed = notOlderThanTheLastApply(observed, inventories.own(), target);
        if (gitUnreachable.isPresent() && !git.isSameOrNewer(source, inventories.own().commit(), snapshot.revision())) {
            return PlanRun.failed(RunStatus.SOURCE_FAILED, gitUnreachable.get() + "; the last fetched commit "
                    + abbreviated(snapshot.revision()) + " is older than (or unrelated to) the one last applied to the"
                    + " cluster, so nothing is reconciled until Git answers", snapshot, desired.diagnostics());
        }
        java.util.Optional<LiveState> live = java.util.Optional.ofNullable(observed).map(Observation::live);
        String fingerprint = fingerprint(live, kube, inventories);
        PlanHeader header = new PlanHeader(sourceName, snapshot.location(), snapshot.ref(), snapshot.revision(),
                state.cluster(), target.bootstrapServers(), clock.instant(), fingerprint);
        long planning = System.nanoTime();
        Plan plan = managesPods
                ? planner.plan(state, live, inventories, policy, header, kube, org.apache.kafka.common.Uuid.randomUuid().toString(),
                        whyNoKafka)
                : planner.plan(state, observed.live(), inventories, policy, header);
        LOG.debug("planned {} step(s) in {} ms", plan.steps().size(), millis(planning));
        if (!managesPods && target.kube().isPresent()) plan = plan.withNotes(leftovers(target.kube().get(), state.cluster()));
        if (gitUnreachable.isPresent()) {
            plan = plan.withNotes(List.of("Git does not answer (" + gitUnreachable.get() + "): this plan corrects drift from "
                    + abbreviated(snapshot.revision()) + ", the commit last fetched and applied; nothing is pruned until"
                    + " Git answers"));
        }
        RunStatus status = plan.isRefused() ? RunStatus.PLAN_REFUSED : RunStatus.SUCCEEDED;
        return new PlanRun(status, "", java.util.Optional.of(snapshot), desired.diagnostics(), java.util.Optional.of(plan));
    }

    /** What a cluster holds: its live state and the inventories stored on it. */
    public record Observation(LiveState live, InventoryRecords inventories) {
    }

    /** Reads the live state and the inventories concurrently (independent requests). */
    public static CompletableFuture<Observation> observe(Target target) {
        CompletableFuture<LiveState> live = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                LiveState l = target.kafka().observe();
                LOG.debug("observed the cluster: {} topic(s), {} ACL(s) in {} ms", l.topics().size(), l.acls().size(), millis(start));
                return l;
            } catch (ObserveException e) {
                throw new CompletionException(e);
            }
        });
        CompletableFuture<InventoryRecords> inventories = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                InventoryRecords r = target.inventory().loadAll();
                LOG.debug("read the inventories in {} ms", millis(start));
                return r;
            } catch (InventoryException e) {
                throw new CompletionException(e);
            }
        });
        return live.thenCombine(inventories, Observation::new);
    }

    /** The fingerprint a saved plan is checked against before it is applied. */
    public static String fingerprint(LiveState live, Inventories inventories) {
        return fingerprint(live.fingerprint(), inventories);
    }

    /** The fingerprint of a plan that also covers Kubernetes objects (and perhaps no live Kafka yet). */
    public static String fingerprint(java.util.Optional<LiveState> live, java.util.Optional<io.kgr.observe.LiveKube> kube,
                                     Inventories inventories) {
        if (kube.isEmpty() && live.isPresent()) return fingerprint(live.get(), inventories);
        return fingerprint(live.map(LiveState::fingerprint).orElse("kafka:unreachable")
                + kube.map(k -> "\nkube:" + k.fingerprint()).orElse(""), inventories);
    }

    /** The same, when Kubernetes objects are part of what was observed: {@code observed} covers both. */
    public static String fingerprint(String observed, Inventories inventories) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(observed.getBytes(StandardCharsets.UTF_8));
            d.update(("\ninventory:" + inventories.version()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest()).substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A cluster whose Kafka manifest is gone from Git may have left kgr's objects behind: the plan says so. */
    private static List<String> leftovers(io.kgr.observe.KubeObserver kube, String cluster) {
        try {
            return Planner.leftoverClusterNotes(cluster, kube.namespace(), kube.objectsOf(cluster));
        } catch (io.kgr.observe.ObserveException e) {
            return List.of(); // topics and users do not need the namespace's objects: nothing to say then
        }
    }

    private static String abbreviated(String commit) {
        return commit.substring(0, Math.min(12, commit.length()));
    }

    private static String causeOf(CompletionException e) {
        return e.getCause() == null ? e.getMessage() : ObserveException.reason(e.getCause());
    }

    /** Where parsed manifests are kept next to the Git mirrors: a CLI run reads again only the files that changed. */
    private static io.kgr.manifest.ManifestCache manifestCache(SourceSpec source) {
        return source.cacheDir() == null ? io.kgr.manifest.ManifestCache.none()
                : io.kgr.manifest.ManifestCache.of(source.cacheDir(), GitSource.location(source) + "//" + source.path());
    }

    private DesiredStateBuilder.Result desire(SourceSpec source, Snapshot snapshot, java.util.Optional<String> cluster) {
        long start = System.nanoTime();
        Manifests manifests = loader.load(snapshot, manifestCache(source));
        long parsed = System.nanoTime();
        DesiredStateBuilder.Result result = new DesiredStateBuilder(cluster, secrets).build(manifests);
        LOG.debug("read {} file(s) ({} parsed, the others known): manifests in {} ms, desired state in {} ms",
                snapshot.files().size(), loader.parsedByLastLoad(), (parsed - start) / 1_000_000, millis(parsed));
        return result;
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static PlanRun invalid(Snapshot snapshot, DesiredStateBuilder.Result desired) {
        long errors = desired.diagnostics().stream().filter(io.kgr.manifest.Diagnostic::isError).count();
        return PlanRun.failed(RunStatus.VALIDATION_FAILED, errors + " error(s) in " + snapshot.location()
                + " at " + snapshot.shortRevision() + "; nothing was applied", snapshot, desired.diagnostics());
    }

    private static String summary(DesiredState state) {
        String cluster = state.kafka().map(k -> " (" + (k.kraft() ? "KRaft" : "ZooKeeper") + ", Kafka " + k.version() + ", "
                + k.pools().stream().map(p -> p.replicas() + " × " + p.name()).collect(java.util.stream.Collectors.joining(", "))
                + k.zookeeper().map(z -> ", " + z.replicas() + " × zookeeper").orElse("") + ")").orElse("");
        return state.topics().size() + " topic(s) and " + state.users().size() + " user(s) for cluster "
                + (state.cluster().isEmpty() ? "(none)" : state.cluster()) + cluster;
    }
}

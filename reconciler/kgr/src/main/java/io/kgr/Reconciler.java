package io.kgr;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kgr.desired.DesiredState;
import io.kgr.desired.DesiredStateBuilder;
import io.kgr.desired.SecretResolver;
import io.kgr.manifest.Diagnostic;
import io.kgr.manifest.ManifestCache;
import io.kgr.manifest.ManifestLoader;
import io.kgr.manifest.Manifests;
import io.kgr.manifest.SchemaCatalog;
import io.kgr.observe.KubeObserver;
import io.kgr.observe.LiveKube;
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
import io.kgr.inventory.Inventories;
import io.kgr.inventory.InventoryRecords;

/**
 * source → manifest → desired → observe → plan. Each stage returns a value or stops the run with a status naming
 * that stage. Applying is separate: it consumes the {@link Plan} this returns (see {@code apply.Applier}).
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private final GitSource git;
    private final ManifestLoader loader;
    private final Planner planner = new Planner();
    private final Clock clock;
    private final SecretResolver secrets;
    private final ListingWait listingWait;

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
        this.listingWait = new ListingWait(clock);
    }

    Clock clock() {
        return clock;
    }

    /** Reads and validates the source only; nothing on a cluster is contacted. */
    public PlanRun validate(SourceSpec source, Optional<String> cluster) {
        Read read = read(source, cluster);
        if (read.failure() != null) return PlanRun.failed(RunStatus.SOURCE_FAILED, read.failure().getMessage(), null, List.of());
        DesiredStateBuilder.Result desired = read.desired();
        if (!desired.ok()) return invalid(read.snapshot(), desired);
        Optional<Diagnostic> wrongTarget = cluster.flatMap(c -> nothingFor(c, desired.state().get()));
        if (wrongTarget.isPresent()) {
            List<Diagnostic> all = new ArrayList<>(desired.diagnostics());
            all.add(wrongTarget.get());
            return invalid(read.snapshot(), new DesiredStateBuilder.Result(Optional.empty(), all));
        }
        return new PlanRun(RunStatus.SUCCEEDED, summary(desired.state().get()), Optional.of(read.snapshot()),
                desired.diagnostics(), Optional.empty());
    }

    /**
     * Offline, a named target that nothing in the repository is for, while its manifests name other clusters, is a
     * wrong name ({@code --cluster nosuch}). A plan tells it from a source that emptied itself on purpose by the
     * inventory (the prune guard); validate has no inventory, so it says so.
     */
    private static Optional<Diagnostic> nothingFor(String cluster, DesiredState state) {
        if (!state.topics().isEmpty() || !state.users().isEmpty() || state.kafka().isPresent() || !state.held().isEmpty()
                || state.skipped().isEmpty()) {
            return Optional.empty();
        }
        TreeSet<String> named = new TreeSet<>();
        state.skipped().forEach(s -> named.add(s.cluster()));
        DesiredState.Skipped first = state.skipped().get(0);
        return Optional.of(Diagnostic.error(first.label(), "metadata.labels[\"strimzi.io/cluster\"]", "nothing in the"
                + " repository is for cluster '" + cluster + "': its manifests name " + named + "; give the cluster name"
                + " Git uses (--cluster), or label the manifests for '" + cluster + "'"));
    }

    /** @param sourceName the source's name in inventories; null: its default identity ({@link GitSource#identity}) */
    public PlanRun plan(SourceSpec source, String sourceName, Target target, Policy policy) {
        // Git and the cluster are read at the same time (observing changes nothing); a run stops at the first failure
        return readAndPlan(source, sourceName, target, policy, Observation.of(target)).run();
    }

    /** A plan and the desired state it was made for (none when the source could not be read). */
    record Planned(PlanRun run, DesiredStateBuilder.Result desired) {
    }

    /** Reads Git while {@code observation} runs, then plans. */
    Planned readAndPlan(SourceSpec source, String sourceName, Target target, Policy policy,
                                CompletableFuture<Observation> observation) {
        Read read = read(source, target.cluster());
        if (read.failure() != null) {
            return new Planned(PlanRun.failed(RunStatus.SOURCE_FAILED, read.failure().getMessage(), null, List.of()), null);
        }
        return new Planned(plan(source, read.snapshot(), sourceName, target, policy, observation, Optional.empty(),
                read.desired()), read.desired());
    }

    /** What reading a source gave: its snapshot and desired state, or why it could not be read. */
    record Read(Snapshot snapshot, DesiredStateBuilder.Result desired, SourceException failure) {
    }

    /** A read started by {@link #readAhead}, for that source and cluster. */
    private record Ahead(SourceSpec source, Optional<String> cluster, CompletableFuture<Read> read) {
    }

    private final AtomicReference<Ahead> ahead = new AtomicReference<>();

    /**
     * Starts reading {@code source} — files, cached manifests, desired state — on another thread, for the next plan of
     * that source and cluster: a CLI run reads Git while it connects to the cluster's Kafka (which this does not
     * contact; Secrets named by users are read, as a plan reads them).
     */
    public Reconciler readAhead(SourceSpec source, Optional<String> cluster) {
        ahead.set(new Ahead(source, cluster, CompletableFuture.supplyAsync(() -> readNow(source, cluster))));
        return this;
    }

    Read read(SourceSpec source, Optional<String> cluster) {
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

    private Read readNow(SourceSpec source, Optional<String> cluster) {
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
     * While the Git server does not answer ({@code unreachable} says how): the commit last fetched, planned again so
     * that drift is still corrected — only when it is the commit last applied to the cluster (never back to an older
     * one, which another replica may have moved past), and without pruning.
     */
    public PlanRun planLastFetched(SourceSpec source, String sourceName, Target target, Policy policy, String unreachable) {
        CompletableFuture<Observation> observation = Observation.of(target);
        Snapshot snapshot;
        try {
            snapshot = git.readLastFetched(source);
        } catch (SourceException e) {
            return PlanRun.failed(RunStatus.SOURCE_FAILED, unreachable, null, List.of());
        }
        return plan(source, snapshot, sourceName, target, policy.whileGitIsDown(), observation,
                Optional.of(unreachable));
    }

    private PlanRun plan(SourceSpec source, Snapshot snapshot, String givenName, Target target, Policy policy,
                         CompletableFuture<Observation> observation, Optional<String> gitUnreachable) {
        return plan(source, snapshot, givenName, target, policy, observation, gitUnreachable, desire(source, snapshot, target.cluster()));
    }

    PlanRun plan(SourceSpec source, Snapshot snapshot, String givenName, Target target, Policy policy,
                 CompletableFuture<Observation> observation, Optional<String> gitUnreachable,
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
        Seen seen;
        try {
            seen = observe(state, target, observation);
        } catch (ObserveException e) {
            return PlanRun.failed(RunStatus.OBSERVE_FAILED, e.getMessage(), snapshot, desired.diagnostics());
        }
        Inventories inventories = seen.inventories().select(state.cluster(), sourceName);
        Optional<LiveState> live = seen.kafka()
                .map(o -> listingWait.notOlderThanTheLastApply(o, inventories.own(), target).live());
        if (gitUnreachable.isPresent() && !git.isSameOrNewer(source, inventories.own().commit(), snapshot.revision())) {
            return PlanRun.failed(RunStatus.SOURCE_FAILED, gitUnreachable.get() + "; the last fetched commit "
                    + abbreviated(snapshot.revision()) + " is older than (or unrelated to) the one last applied to the"
                    + " cluster, so nothing is reconciled until Git answers", snapshot, desired.diagnostics());
        }
        PlanHeader header = new PlanHeader(sourceName, snapshot.location(), snapshot.ref(), snapshot.revision(),
                state.cluster(), target.bootstrapServers(), clock.instant(), Fingerprint.of(live, seen.kube(), inventories));
        Plan plan = plan(state, live, seen, inventories, policy, header, target);
        if (gitUnreachable.isPresent()) {
            plan = plan.withNotes(List.of("Git does not answer (" + gitUnreachable.get() + "): this plan corrects drift from "
                    + abbreviated(snapshot.revision()) + ", the commit last fetched and applied; nothing is pruned until"
                    + " Git answers"));
        }
        RunStatus status = plan.isRefused() ? RunStatus.PLAN_REFUSED : RunStatus.SUCCEEDED;
        return new PlanRun(status, "", Optional.of(snapshot), desired.diagnostics(), Optional.of(plan),
                Optional.of(new PlanRun.Observed(state, live, seen.kube())));
    }

    /**
     * What the observe stage saw: the brokers (none for a cluster kgr is creating: {@code whyNoKafka} says why), the
     * stored inventories, and the namespace when kgr manages the cluster's pods.
     */
    private record Seen(Optional<Observation> kafka, String whyNoKafka, InventoryRecords inventories, Optional<LiveKube> kube) {
    }

    /** Kafka (with the inventories) and Kubernetes are read at the same time; a cluster without brokers yet is allowed. */
    private static Seen observe(DesiredState state, Target target, CompletableFuture<Observation> observation)
            throws ObserveException {
        boolean managesPods = state.kafka().isPresent() && target.kube().isPresent();
        CompletableFuture<Optional<LiveKube>> kube = !managesPods ? CompletableFuture.completedFuture(Optional.empty())
                : CompletableFuture.supplyAsync(() -> {
                    try {
                        return Optional.of(target.kube().get().observe());
                    } catch (ObserveException e) {
                        throw new CompletionException(e);
                    }
                });
        Optional<Observation> kafka = Optional.empty();
        String whyNoKafka = "";
        try {
            kafka = Optional.of(observation.join());
        } catch (CompletionException e) {
            // a cluster kgr creates on Kubernetes has no brokers to answer yet: its pods are planned without them
            if (!managesPods) throw new ObserveException(causeOf(e), e.getCause());
            whyNoKafka = causeOf(e);
        }
        try {
            return new Seen(kafka, whyNoKafka, kafka.map(Observation::inventories).orElse(InventoryRecords.none()), kube.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof ObserveException o ? o : new ObserveException(causeOf(e), e.getCause());
        }
    }

    /** The plan stage: pure, from what was read and seen. */
    private Plan plan(DesiredState state, Optional<LiveState> live, Seen seen, Inventories inventories, Policy policy,
                      PlanHeader header, Target target) {
        long planning = System.nanoTime();
        Plan plan = seen.kube().isPresent()
                ? planner.plan(state, live, inventories, policy, header, seen.kube(), Uuid.randomUuid().toString(),
                        seen.whyNoKafka())
                : planner.plan(state, live.get(), inventories, policy, header);
        LOG.debug("planned {} step(s) in {} ms", plan.steps().size(), millis(planning));
        if (seen.kube().isEmpty() && target.kube().isPresent()) plan = plan.withNotes(leftovers(target.kube().get(), state.cluster()));
        return plan;
    }

    /** A cluster whose Kafka manifest is gone from Git may have left kgr's objects behind: the plan says so. */
    private static List<String> leftovers(KubeObserver kube, String cluster) {
        try {
            return Planner.leftoverClusterNotes(cluster, kube.namespace(), kube.objectsOf(cluster));
        } catch (ObserveException e) {
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
    private static ManifestCache manifestCache(SourceSpec source) {
        return source.cacheDir() == null ? ManifestCache.none()
                : ManifestCache.of(source.cacheDir(), GitSource.location(source) + "//" + source.path());
    }

    private DesiredStateBuilder.Result desire(SourceSpec source, Snapshot snapshot, Optional<String> cluster) {
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

    static PlanRun invalid(Snapshot snapshot, DesiredStateBuilder.Result desired) {
        long errors = desired.diagnostics().stream().filter(Diagnostic::isError).count();
        return PlanRun.failed(RunStatus.VALIDATION_FAILED, errors + " error(s) in " + snapshot.location()
                + " at " + snapshot.shortRevision() + "; nothing was applied", snapshot, desired.diagnostics());
    }

    private static String summary(DesiredState state) {
        String cluster = state.kafka().map(k -> " (" + (k.kraft() ? "KRaft" : "ZooKeeper") + ", Kafka " + k.version() + ", "
                + k.pools().stream().map(p -> p.replicas() + " × " + p.name()).collect(Collectors.joining(", "))
                + k.zookeeper().map(z -> ", " + z.replicas() + " × zookeeper").orElse("") + ")").orElse("");
        return state.topics().size() + " topic(s) and " + state.users().size() + " user(s) for cluster "
                + (state.cluster().isEmpty() ? "(none)" : state.cluster()) + cluster;
    }
}

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
    private final GitSource git = new GitSource();
    private final ManifestLoader loader = new ManifestLoader(new SchemaCatalog());
    private final Planner planner = new Planner();
    private final Clock clock;
    private final SecretResolver secrets;

    public Reconciler(Clock clock, SecretResolver secrets) {
        this.clock = clock;
        this.secrets = secrets;
    }

    /** Reads and validates the source only; nothing on a cluster is contacted. */
    public PlanRun validate(SourceSpec source, java.util.Optional<String> cluster) {
        Snapshot snapshot;
        try {
            snapshot = git.read(source);
        } catch (SourceException e) {
            return PlanRun.failed(RunStatus.SOURCE_FAILED, e.getMessage(), null, List.of());
        }
        DesiredStateBuilder.Result desired = desire(snapshot, cluster);
        if (!desired.ok()) return invalid(snapshot, desired);
        return new PlanRun(RunStatus.SUCCEEDED, summary(desired.state().get()), java.util.Optional.of(snapshot),
                desired.diagnostics(), java.util.Optional.empty());
    }

    /** @param sourceName the source's name in inventories; null: its default identity ({@link GitSource#identity}) */
    public PlanRun plan(SourceSpec source, String sourceName, Target target, Policy policy) {
        // Git and the cluster are read at the same time (observing changes nothing); a run stops at the first failure
        CompletableFuture<Observation> observation = observe(target);
        Snapshot snapshot;
        try {
            snapshot = git.read(source);
        } catch (SourceException e) {
            return PlanRun.failed(RunStatus.SOURCE_FAILED, e.getMessage(), null, List.of());
        }
        return plan(source, snapshot, sourceName, target, policy, observation, java.util.Optional.empty());
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
        String sourceName;
        try {
            sourceName = givenName != null ? givenName : git.identity(source, snapshot);
        } catch (SourceException e) {
            return PlanRun.failed(RunStatus.SOURCE_FAILED, e.getMessage(), snapshot, List.of());
        }
        DesiredStateBuilder.Result desired = desire(snapshot, target.cluster());
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
        if (gitUnreachable.isPresent() && !git.isSameOrNewer(source, inventories.own().commit(), snapshot.revision())) {
            return PlanRun.failed(RunStatus.SOURCE_FAILED, gitUnreachable.get() + "; the last fetched commit "
                    + abbreviated(snapshot.revision()) + " is older than (or unrelated to) the one last applied to the"
                    + " cluster, so nothing is reconciled until Git answers", snapshot, desired.diagnostics());
        }
        java.util.Optional<LiveState> live = java.util.Optional.ofNullable(observed).map(Observation::live);
        String fingerprint = fingerprint(live, kube, inventories);
        PlanHeader header = new PlanHeader(sourceName, snapshot.location(), snapshot.ref(), snapshot.revision(),
                state.cluster(), target.bootstrapServers(), clock.instant(), fingerprint);
        Plan plan = managesPods
                ? planner.plan(state, live, inventories, policy, header, kube, org.apache.kafka.common.Uuid.randomUuid().toString(),
                        whyNoKafka)
                : planner.plan(state, observed.live(), inventories, policy, header);
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
            try {
                return target.kafka().observe();
            } catch (ObserveException e) {
                throw new CompletionException(e);
            }
        });
        CompletableFuture<InventoryRecords> inventories = CompletableFuture.supplyAsync(() -> {
            try {
                return target.inventory().loadAll();
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
        return e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
    }

    private DesiredStateBuilder.Result desire(Snapshot snapshot, java.util.Optional<String> cluster) {
        Manifests manifests = loader.load(snapshot);
        return new DesiredStateBuilder(cluster, secrets).build(manifests);
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

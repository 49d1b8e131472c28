package io.kgr.service;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kgr.PlanRun;
import io.kgr.PushPlanner;
import io.kgr.Reconciler;
import io.kgr.RunStatus;
import io.kgr.Target;
import io.kgr.apply.ApplyOptions;
import io.kgr.apply.ApplyReport;
import io.kgr.observe.KubeObserver;
import io.kgr.status.StatusWriter;
import io.kgr.apply.Applier;
import io.kgr.apply.KubeWaits;
import io.kgr.apply.StepResult;
import io.kgr.desired.SecretResolver;
import io.kgr.inventory.InventoryStore;
import io.kgr.manifest.Diagnostic;
import io.kgr.manifest.ManifestLoader;
import io.kgr.manifest.SchemaCatalog;
import io.kgr.plan.Change;
import io.kgr.plan.Plan;
import io.kgr.plan.Policy;
import io.kgr.plan.Risk;
import io.kgr.plan.Step;
import io.kgr.source.GitSource;
import io.kgr.source.Snapshot;
import io.kgr.source.SourceSpec;

import com.sun.management.OperatingSystemMXBean;

/**
 * One source's run: fetch → validate → observe → plan → (mode apply) apply → record. A run that stops before the plan
 * applies nothing, so a bad commit leaves the cluster as the last good one made it.
 */
final class SourceRunner {
    private static final Logger log = LoggerFactory.getLogger(SourceRunner.class);

    private final ServiceConfig.Source source;
    private final ClusterConnection cluster;
    private final Path cacheDir;
    private final SourceState state;
    private final ServiceMetrics metrics;
    private final Clock clock;
    private final RunListener listener;
    private volatile String diagnosticsLoggedFor = "";
    /** What a push may reuse of the last full run (see {@link PushPlanner#planPush}); older than this, a push reads all. */
    private static final Duration PUSH_MEMORY = Duration.ofMinutes(10);
    /** How many approved commits a source's approvals record keeps (the newest). */
    private static final int KEPT_APPROVALS = 50;
    private final PushPlanner pushes = new PushPlanner();

    /** One per source, kept across runs: files whose bytes did not change are not parsed again. */
    private final ManifestLoader loader = new ManifestLoader(new SchemaCatalog());
    private final GitSource git = new GitSource();

    SourceRunner(ServiceConfig.Source source, ClusterConnection cluster, Path cacheDir, SourceState state,
                 ServiceMetrics metrics, Clock clock, RunListener listener) {
        this.listener = listener;
        this.source = source;
        this.cluster = cluster;
        this.cacheDir = cacheDir;
        this.state = state;
        this.metrics = metrics;
        this.clock = clock;
    }

    ServiceConfig.Source source() {
        return source;
    }

    SourceState state() {
        return state;
    }

    RunRecord run(String trigger, BooleanSupplier stopping) {
        Instant started = clock.instant();
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        RunRecord record;
        Optional<Plan> plan = Optional.empty();
        log.info("source {}: run started ({})", source.name(), trigger);
        try {
            SecretResolver secrets = cluster.secrets();
            Reconciler reconciler = new Reconciler(clock, secrets, loader, git);
            // a push plans what it changed against the last full observation; every other run reads everything
            PlanRun planned = trigger.equals("webhook")
                    ? pushes.planPush(reconciler, spec(), source.name(), cluster.target(), policy(), PUSH_MEMORY)
                    : pushes.planFull(reconciler, spec(), source.name(), cluster.target(), policy());
            boolean lastFetched = false;
            if (planned.status() == RunStatus.SOURCE_FAILED && GitSource.isUrl(source.url())) {
                // Git does not answer: keep correcting drift from the commit last fetched, if it is the one applied
                log.warn("source {}: {}; reconciling the last fetched commit", source.name(), planned.message());
                planned = reconciler.planLastFetched(spec(), source.name(), cluster.target(), policy(), planned.message());
                lastFetched = planned.status() != RunStatus.SOURCE_FAILED;
            }
            if (planned.status() == RunStatus.OBSERVE_FAILED) cluster.discard();
            plan = planned.plan();
            plan.ifPresent(p -> listener.planned(source.name(), trigger, p));
            lastReport = Optional.empty();
            record = plan.isEmpty() || planned.status() != RunStatus.SUCCEEDED
                    ? stopped(trigger, started, start, planned)
                    : applyOrReport(trigger, started, start, planned, secrets, stopping);
            writeStatus(planned);
            if (lastFetched) record = record.withMessagePrefix("Git does not answer: the last fetched commit was reconciled; ");
            // with steps held, the cluster is not yet what the commit says: the push memory must not think it is
            boolean onTheCluster = record.status() == RunStatus.SUCCEEDED && plan.isPresent() && state.held().isEmpty()
                    && (!plan.get().hasChanges() || source.mode() != ServiceConfig.Mode.PLAN);
            if (onTheCluster) pushes.confirm();
            else pushes.discard();
        } catch (IOException | RuntimeException e) {
            pushes.discard();
            // a configuration problem that only shows at run time (unreadable token file, unreachable Kubernetes)
            record = new RunRecord(source.name(), trigger, started, since(start), RunStatus.SOURCE_FAILED,
                    GitSource.redact(String.valueOf(e.getMessage())), Optional.empty(), Map.of(), false, Map.of(),
                    List.of(), 0, List.of());
        }
        record = record.withCpu(Duration.ofNanos(Math.max(0, processCpuNanos() - cpuStart)));
        state.record(record, plan);
        metrics.recorded(record);
        logOutcome(record);
        listener.finished(record);
        return record;
    }

    /** The report of this run's apply, when it applied: the status of the cluster's resources says what happened. */
    private Optional<ApplyReport> lastReport = Optional.empty();

    /** The status of the cluster's Strimzi resources, on Kubernetes (written only where it changed). */
    private void writeStatus(PlanRun planned) {
        Optional<KubeObserver> kube = cluster.kube();
        if (kube.isEmpty()) return;
        int written = new StatusWriter(kube.get().client(), kube.get().namespace(), clock).write(planned, lastReport);
        if (written > 0) log.info("source {}: wrote the status of {} resource(s)", source.name(), written);
    }

    private RunRecord stopped(String trigger, Instant started, long start, PlanRun planned) {
        Optional<Plan> plan = planned.plan();
        return new RunRecord(source.name(), trigger, started, since(start), planned.status(),
                plan.map(p -> p.refusals().size() + " refused change(s); nothing was applied").orElse(planned.message()),
                planned.snapshot().map(s -> s.revision()), plan.map(SourceRunner::stepsByKind).orElse(Map.of()),
                plan.map(p -> drifted(p)).orElse(false), Map.of(),
                plan.map(p -> p.refusals().stream().map(r -> r.kind() + " " + r.subject() + ": " + r.reason()).toList())
                        .orElse(List.of()),
                plan.map(p -> p.unmanaged().size()).orElse(0),
                planned.diagnostics().stream().map(Diagnostic::format).toList());
    }

    private RunRecord applyOrReport(String trigger, Instant started, long start, PlanRun planned, SecretResolver secrets,
                                    BooleanSupplier stopping) {
        Plan plan = planned.plan().get();
        String commit = plan.header().commit();
        boolean drift = drifted(plan);
        List<String> diagnostics = planned.diagnostics().stream().map(Diagnostic::format).toList();
        if (!plan.hasChanges()) {
            state.converged(commit);
            return new RunRecord(source.name(), trigger, started, since(start), RunStatus.SUCCEEDED, "no changes",
                    Optional.of(commit), Map.of(), false, Map.of(), List.of(), plan.unmanaged().size(), diagnostics);
        }
        if (source.mode() == ServiceConfig.Mode.PLAN) {
            return new RunRecord(source.name(), trigger, started, since(start), RunStatus.SUCCEEDED,
                    plan.steps().size() + " change(s) planned; mode plan applies nothing", Optional.of(commit),
                    stepsByKind(plan), true, Map.of(), List.of(), plan.unmanaged().size(), diagnostics);
        }
        if (drift) {
            log.info("source {}: the cluster drifted from commit {} (changed outside kgr); correcting {} step(s)",
                    source.name(), abbreviate(commit), plan.steps().size());
        }
        ApplyOptions options = new ApplyOptions(cluster.config().timeout(), Duration.ofMinutes(10),
                ApplyOptions.defaults().maxRecordsPerRequest(), cluster.config().replicationThrottle());
        Target target = cluster.target();
        // approved through the API (every risk), or by the commit itself (a Kgr-Approve: trailer)
        Set<Risk> approved = approvedThroughApi(plan, target.inventory()) ? Set.of(Risk.DISRUPTIVE, Risk.DESTRUCTIVE)
                : Approvals.approvedBy(planned.snapshot().map(Snapshot::message).orElse(""));
        Instant now = clock.instant();
        Applier applier = new Applier(cluster.admin(), target.inventory(), secrets, options, this::logStep).stopWhen(stopping)
                .holding(step -> source.approvals().holds(step, approved, now));
        target.kube().ifPresent(k -> applier.withKubernetes(k, KubeWaits.defaults()));
        ApplyReport report = applier.apply(plan);
        lastReport = Optional.of(report);
        Map<String, String> held = new TreeMap<>();
        report.results().stream().filter(r -> r.outcome() == StepResult.Outcome.HELD).forEach(r -> held.put(r.stepId(), r.message()));
        state.held(commit, held);
        metrics.held(source.name(), held.size());
        pushes.applied(plan.steps().stream().map(Step::change).filter(SourceRunner::topicChange)
                .map(Change::subject).toList());
        Map<String, Long> outcomes = report.results().stream().collect(Collectors.groupingBy(
                r -> r.outcome().name().toLowerCase(Locale.ROOT), TreeMap::new, Collectors.counting()));
        // a new cluster's first run applies its pods only: the commit is not fully applied until its topics are
        if (report.succeeded() && !plan.has(Plan.Flag.KAFKA_PENDING)) state.converged(commit);
        String message = !held.isEmpty() && report.succeededOrHeld()
                ? "applied " + (plan.steps().size() - held.size()) + " step(s); " + held.size() + " held until approved"
                        + " or in a maintenance window (GET /api/v1/status shows them)"
                : report.succeeded() ? "applied " + plan.steps().size() + " step(s)"
                : report.count(StepResult.Outcome.FAILED) + " step(s) failed, " + report.count(StepResult.Outcome.SKIPPED)
                    + " not applied: " + report.results().stream().filter(r -> r.outcome() != StepResult.Outcome.OK)
                        .findFirst().map(r -> r.stepId() + ": " + r.message()).orElse("");
        return new RunRecord(source.name(), trigger, started, since(start),
                report.succeededOrHeld() ? RunStatus.SUCCEEDED : RunStatus.APPLY_FAILED, message, Optional.of(commit),
                stepsByKind(plan), drift, outcomes, List.of(), plan.unmanaged().size(), diagnostics);
    }

    /**
     * Whether the plan's commit was approved through the API, by this kgr or by one before it (a restart, an upgrade, a
     * standby that took over): approvals are kept in the inventory topic, beside the inventories, and one this kgr
     * took is recorded there before the run applies anything under it. The topic is read only when the plan has a step
     * the source holds. When it cannot be read, only the approvals this kgr took count: a step is never let through on
     * an approval nobody can show.
     */
    private boolean approvedThroughApi(Plan plan, InventoryStore store) {
        String commit = plan.header().commit();
        boolean inMemory = state.approved(commit);
        if (plan.steps().stream().noneMatch(step -> source.approvals().hold().contains(step.risk()))) return inMemory;
        String clusterName = plan.header().cluster();
        try {
            List<String> stored = store.loadAll().approvals(clusterName, source.name());
            if (inMemory && !stored.contains(commit)) {
                List<String> keep = new ArrayList<>(stored);
                keep.add(commit);
                store.saveApprovals(clusterName, source.name(),
                        keep.subList(Math.max(0, keep.size() - KEPT_APPROVALS), keep.size()));
            }
            return inMemory || stored.contains(commit);
        } catch (InventoryStore.InventoryException e) {
            log.warn("source {}: the approvals kept in the inventory topic: {}", source.name(), e.getMessage());
            return inMemory;
        }
    }

    /**
     * Changes to a commit kgr had already made the cluster equal to can only come from someone changing the cluster.
     * In plan mode nothing is applied, so any difference from Git is reported as drift.
     */
    private boolean drifted(Plan plan) {
        if (!plan.hasChanges()) return false;
        if (source.mode() == ServiceConfig.Mode.PLAN) return true;
        return state.lastAppliedCommit().map(c -> c.equals(plan.header().commit())).orElse(false);
    }

    private void logStep(StepResult r) {
        listener.stepDone(source.name(), r);
        if (r.outcome() == StepResult.Outcome.OK) {
            log.info("source {}: {} ok ({} ms)", source.name(), r.stepId(), r.took().toMillis());
        } else {
            log.warn("source {}: {} {}: {}", source.name(), r.stepId(), r.outcome().name().toLowerCase(Locale.ROOT),
                    r.message());
        }
    }

    private void logOutcome(RunRecord r) {
        var event = (r.succeeded() ? log.atInfo() : log.atWarn())
                .addKeyValue("source", r.source()).addKeyValue("trigger", r.trigger())
                .addKeyValue("result", r.status().reason()).addKeyValue("commit", r.commit().orElse(""))
                .addKeyValue("changes", r.changes()).addKeyValue("drift", r.drift())
                .addKeyValue("durationMs", r.took().toMillis());
        event.log("run of source {} ({}) at {}: {} — {}", r.source(), r.trigger(), r.commit().map(SourceRunner::abbreviate)
                .orElse("no commit"), r.status().reason(), r.message());
        // a commit's diagnostics are logged once (the status keeps them); a new commit logs its own
        String commit = r.commit().orElse("");
        if (!commit.equals(diagnosticsLoggedFor)) {
            for (String d : r.diagnostics()) log.warn("source {}: {}", r.source(), d);
            if (r.commit().isPresent()) diagnosticsLoggedFor = commit;
        }
    }

    private SourceSpec spec() throws IOException {
        Optional<SourceSpec.Secret> token = Optional.empty();
        if (source.tokenFile().isPresent()) {
            token = Optional.of(new SourceSpec.Secret(Files.readString(source.tokenFile().get(), StandardCharsets.UTF_8).trim()));
        }
        Optional<SourceSpec.SshAuth> ssh = source.sshKeyFile()
                .map(key -> new SourceSpec.SshAuth(key, source.knownHostsFile().orElseThrow()));
        return new SourceSpec(source.url(), source.ref(), source.path(), cacheDir, token, ssh);
    }

    private Policy policy() {
        List<Pattern> protect = new ArrayList<>(Policy.DEFAULT_PROTECTED);
        source.protect().forEach(p -> protect.add(Pattern.compile(p)));
        Set<String> operational = new TreeSet<>(Policy.DEFAULT_OPERATIONAL_KEYS);
        operational.addAll(source.operationalKeys());
        return new Policy(source.prune(), protect, source.allowMassPrune(), source.maxPruneShare(), operational)
                .withNodeRemoval(source.allowNodeRemoval());
    }

    private static boolean topicChange(Change c) {
        return c instanceof Change.CreateTopic || c instanceof Change.AlterTopicConfig
                || c instanceof Change.IncreasePartitions || c instanceof Change.Reassignment
                || c instanceof Change.DeleteTopic;
    }

    static Map<String, Long> stepsByKind(Plan plan) {
        return plan.steps().stream().map(Step::change).filter(c -> !(c instanceof Change.UpdateInventory))
                .collect(Collectors.groupingBy(Change::kind, TreeMap::new, Collectors.counting()));
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean()
                instanceof OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static String abbreviate(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }
}

package io.kgr.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.kgr.Fingerprint;
import io.kgr.PlanRun;
import io.kgr.Reconciler;
import io.kgr.Connection;
import io.kgr.Target;
import io.kgr.status.StatusWriter;
import io.kgr.apply.ApplyOptions;
import io.kgr.apply.ApplyReport;
import io.kgr.apply.Applier;
import io.kgr.apply.KubeWaits;
import io.kgr.apply.StepResult;
import io.kgr.plan.Plan;
import io.kgr.render.ApplyJson;
import io.kgr.render.PlanJson;
import io.kgr.source.SourceSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Make the cluster equal to Git: plan, then apply the plan's steps in order. "
                + "With --plan, apply exactly a saved plan (refused if the cluster changed since).")
final class ApplyCommand implements Callable<Integer> {
    @Mixin SourceOptions source;
    @Mixin KafkaOptions kafka;
    @Mixin PlanOptions options;
    @Spec CommandSpec spec;

    @Option(names = "--plan", paramLabel = "FILE", description = "A plan saved with 'kgr plan --out FILE'.")
    Path planFile;

    @Option(names = "--auto-approve", description = "Do not ask for confirmation.")
    boolean autoApprove;

    @Option(names = "--pod-ready-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long a new or rolled pod may take to become Ready, and partitions to be back in sync (default: ${DEFAULT-VALUE}).")
    int podReadySeconds;

    @Option(names = "--replication-throttle", paramLabel = "BYTES_PER_SECOND", defaultValue = "52428800",
            description = "Rate each broker may spend on the replicas kgr moves (replication-factor changes, draining"
                    + " brokers that leave), set for the move and removed after it; 0 = unthrottled (default: ${DEFAULT-VALUE}, 50 MiB/s).")
    long replicationThrottle;

    @Option(names = "--reassignment-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "How long to wait for replica moves (default: ${DEFAULT-VALUE}).")
    int reassignmentTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // -o json: standard output carries one document (the plan and what applying it did); progress goes to stderr
        boolean json = options.output == Output.JSON;
        PrintWriter said = json ? err : out;
        Plan saved = planFile == null ? null : PlanJson.read(Files.readString(planFile, StandardCharsets.UTF_8));
        SourceSpec sourceSpec = saved == null ? source.spec(null) : null;
        Reconciler reconciler = new Reconciler(Clock.systemUTC(), source.secrets());
        if (sourceSpec != null) reconciler.readAhead(sourceSpec, source.cluster()); // Git is read while connecting
        try (Connection connection = kafka.connect(saved == null ? null : saved.header().bootstrapServers(),
                source.kube(), saved == null ? source.cluster() : Optional.of(saved.header().cluster()))) {
            Plan plan;
            PlanRun run = null;
            if (saved != null) {
                var target = connection.target();
                Optional<String> changed = Fingerprint.changedSince(saved, target,
                        connection.admin().isEmpty());
                if (changed.isPresent()) {
                    err.println("kgr: " + changed.get());
                    return ExitCodes.ERROR;
                }
                plan = saved;
                if (!json) options.output.print(plan, options.noColour, out);
            } else {
                run = PlanCommand.plan(reconciler, source, options, sourceSpec, connection);
                if (!run.ok()) return Output.failure(err, run);
                Output.diagnostics(err, run.diagnostics());
                plan = run.plan().get();
                if (!json) options.output.print(plan, options.noColour, out);
            }
            out.flush();
            Optional<Integer> notApplied = notApplied(plan, run, saved != null, json, said);
            if (notApplied.isPresent()) return notApplied.get();
            ApplyReport report = applyNow(plan, connection.target(), connection, said);
            writeStatus(run, Optional.of(report));
            if (json) out.print(ApplyJson.write(plan, Optional.of(report)));
            said.printf("Apply %s: %d ok, %d failed, %d skipped (%.1f s).%n",
                    report.succeeded() ? "complete" : "incomplete", report.count(StepResult.Outcome.OK),
                    report.count(StepResult.Outcome.FAILED), report.count(StepResult.Outcome.SKIPPED),
                    report.took().toMillis() / 1000.0);
            if (!report.succeeded()) {
                said.println("The next run plans again from what is now on the cluster.");
            }
            said.flush();
            out.flush();
            return report.succeeded() ? ExitCodes.OK : ExitCodes.ERROR;
        }
    }

    /**
     * The exit code when the plan is not applied (refused, no changes, or not confirmed), after saying so; empty when
     * it is to be applied.
     */
    private Optional<Integer> notApplied(Plan plan, PlanRun run, boolean saved, boolean json, PrintWriter said)
            throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int code;
        if (plan.isRefused()) {
            writeStatus(run, Optional.empty());
            err.println("kgr: PlanRefused: " + plan.refusals().size() + " refused change(s); nothing was applied.");
            code = ExitCodes.ERROR;
        } else if (!plan.hasChanges()) {
            writeStatus(run, Optional.empty());
            code = ExitCodes.OK;
        } else if (!saved && !autoApprove && !confirmed(said)) {
            err.println("kgr: apply cancelled; nothing was applied.");
            code = ExitCodes.ERROR;
        } else {
            return Optional.empty();
        }
        if (json) out.print(ApplyJson.write(plan, Optional.empty()));
        out.flush();
        return Optional.of(code);
    }

    /** Applies the plan's steps in order, printing each step's result to {@code said} as it happens. */
    private ApplyReport applyNow(Plan plan, Target target, Connection connection, PrintWriter said) {
        ApplyOptions applyOptions = new ApplyOptions(kafka.timeout(), Duration.ofSeconds(reassignmentTimeoutSeconds),
                ApplyOptions.defaults().maxRecordsPerRequest(), replicationThrottle);
        said.println("Applying " + plan.steps().size() + " step(s):");
        said.flush();
        Applier applier = new Applier(connection.admin().orElse(null), target.inventory(), source.secrets(), applyOptions,
                r -> progress(said, r));
        source.kube().ifPresent(k -> applier.withKubernetes(k, new KubeWaits(
                Duration.ofSeconds(podReadySeconds), Duration.ofSeconds(podReadySeconds), Duration.ofMillis(500))));
        return applier.apply(plan);
    }

    /** The status of the cluster's Strimzi resources on Kubernetes (a saved plan's run has none to give: skipped). */
    private void writeStatus(PlanRun run, Optional<ApplyReport> report) {
        if (run == null) return;
        source.kube().ifPresent(k -> new StatusWriter(k.client(), k.namespace(), Clock.systemUTC()).write(run, report));
    }

    private static void progress(PrintWriter out, StepResult r) {
        String mark = switch (r.outcome()) {
            case OK -> "  ok      ";
            case FAILED -> "  FAILED  ";
            case SKIPPED -> "  skipped ";
            case HELD -> "  held    ";
        };
        // steps that wait (rolls, new pods, reassignments) say how long they took
        String took = r.took().toMillis() >= 1000 ? String.format("  (%.1f s)", r.took().toMillis() / 1000.0) : "";
        out.println(mark + r.stepId() + took + (r.message().isEmpty() ? "" : "  — " + r.message()));
        out.flush();
    }

    private boolean confirmed(PrintWriter out) throws IOException {
        if (System.console() == null) {
            throw new IllegalStateException("no terminal to ask for approval: use --auto-approve, or apply a saved plan"
                    + " (kgr plan --out FILE, then kgr apply --plan FILE)");
        }
        out.print("Apply these changes? Only 'yes' is accepted: ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return "yes".equals(answer == null ? null : answer.trim());
    }
}

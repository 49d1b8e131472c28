package io.kgr.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.concurrent.Callable;

import io.kgr.PlanRun;
import io.kgr.Reconciler;
import io.kgr.Connection;
import io.kgr.Target;
import io.kgr.plan.Plan;
import io.kgr.render.PlanJson;
import io.kgr.source.SourceSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Show what apply would change on the cluster to make it equal to Git. Changes nothing.")
final class PlanCommand implements Callable<Integer> {
    @Mixin SourceOptions source;
    @Mixin KafkaOptions kafka;
    @Mixin PlanOptions options;
    @Spec CommandSpec spec;

    @Option(names = "--detailed-exitcode", description = "Exit 2 when the plan has changes (0 none, 1 error or refusal).")
    boolean detailedExitcode;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        SourceSpec sourceSpec = source.spec(null);
        // Git is read while the connection to the cluster is made
        Reconciler reconciler = new Reconciler(Clock.systemUTC(), source.secrets()).readAhead(sourceSpec, source.cluster());
        try (Connection connection = kafka.connect(null, source.kube(), source.cluster())) {
            PlanRun run = plan(reconciler, source, options, sourceSpec, connection);
            if (!run.ok()) return Output.failure(err, run);
            Output.diagnostics(err, run.diagnostics());
            Plan plan = run.plan().get();
            options.output.print(plan, options.noColour, out);
            out.flush();
            if (options.out != null) {
                Files.writeString(options.out, PlanJson.write(plan), StandardCharsets.UTF_8);
                err.println("Saved the plan to " + options.out + "; apply it with: kgr apply --plan " + options.out);
            }
            if (plan.isRefused()) return ExitCodes.ERROR;
            return detailedExitcode && plan.hasChanges() ? ExitCodes.CHANGES : ExitCodes.OK;
        }
    }

    static PlanRun plan(Reconciler reconciler, SourceOptions source, PlanOptions options, SourceSpec sourceSpec,
                        Connection connection) {
        Target target = connection.target();
        return reconciler.plan(sourceSpec, source.sourceName(sourceSpec), target, options.policy());
    }
}

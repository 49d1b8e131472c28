package io.kgr.cli;

import java.time.Clock;
import java.util.concurrent.Callable;

import io.kgr.PlanRun;
import io.kgr.Reconciler;
import io.kgr.RunStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check manifests without contacting any cluster. Prints every problem as file:line:col  field  message.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin SourceOptions source;
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR|URL", description = "Same as --repo.")
    String positional;

    @Override
    public Integer call() throws Exception {
        PlanRun run = new Reconciler(Clock.systemUTC(), source.secretsForValidation()).validate(source.spec(positional), source.cluster());
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (!run.status().equals(RunStatus.SUCCEEDED)) {
            return Output.failure(err, run);
        }
        Output.diagnostics(out, run.diagnostics());
        var snapshot = run.snapshot().get();
        out.println("Valid: " + snapshot.files().size() + " file(s) in " + snapshot.location() + " @ "
                + snapshot.shortRevision() + ", " + run.message() + ".");
        out.flush();
        return ExitCodes.OK;
    }
}

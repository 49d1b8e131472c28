package io.kgr.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

import io.kgr.PlanRun;
import io.kgr.Reconciler;
import io.kgr.RunStatus;
import io.kgr.manifest.Diagnostic;
import io.kgr.service.ServiceConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import java.io.IOException;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check manifests without contacting any cluster. Prints every problem as file:line:col  field  message.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin SourceOptions source;
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR|URL", description = "Same as --repo.")
    String positional;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Check kgr serve's configuration (kgr.yaml) instead of, or besides (with --repo), manifests.")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (config != null) {
            int configured = validateConfig();
            if (configured != ExitCodes.OK || (positional == null && source.repo == null)) return configured;
        }
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

    /** serve's configuration, checked as serve reads it: file, line, field and the fix for each problem. */
    private int validateConfig() throws IOException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        ServiceConfig.Result loaded = ServiceConfig.load(config);
        Output.diagnostics(loaded.ok() ? out : err, loaded.diagnostics());
        if (!loaded.ok()) {
            long errors = loaded.diagnostics().stream().filter(Diagnostic::isError).count();
            err.println("kgr: ValidationFailed: " + errors + " error(s) in " + config);
            return ExitCodes.ERROR;
        }
        out.println("Valid: " + config + ", " + loaded.config().get().clusters().size() + " cluster(s), "
                + loaded.config().get().sources().size() + " source(s).");
        out.flush();
        return ExitCodes.OK;
    }
}

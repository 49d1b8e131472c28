package io.kgr.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.kgr.manifest.Diagnostic;
import io.kgr.service.Service;
import io.kgr.service.ServiceConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run as a service: reconcile every source of the config on its cron schedule and on Git pushes "
                + "(webhooks), and serve /healthz, /readyz, /metrics and the status API. Stops cleanly on SIGTERM.")
final class ServeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "The service configuration (kgr.yaml).")
    Path config;

    @Option(names = "--port", paramLabel = "PORT", description = "Overrides server.port (0 picks a free port).")
    Integer port;

    @Option(names = "--leader-elect", negatable = true, paramLabel = "BOOL",
            description = "Only the holder of a Kubernetes Lease reconciles (default: leaderElection.enabled, auto = on inside Kubernetes).")
    Boolean leaderElect;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig for the Lease (default: in-cluster, $KUBECONFIG or ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--identity", paramLabel = "NAME", description = "This replica's name in the Lease (default: $POD_NAME, else host-pid).")
    String identity;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (one JSON object per line) (default: ${DEFAULT-VALUE}).")
    Logging.Format logFormat;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", defaultValue = "30",
            description = "On SIGTERM, how long a running apply may take to finish its current step (default: ${DEFAULT-VALUE}).")
    int graceSeconds;

    @Override
    public Integer call() throws Exception {
        var err = spec.commandLine().getErr();
        Logging.forService(logFormat);
        ServiceConfig.Result loaded = ServiceConfig.load(config);
        loaded.diagnostics().forEach(d -> err.println(d.format()));
        if (!loaded.ok()) {
            long errors = loaded.diagnostics().stream().filter(Diagnostic::isError).count();
            err.println("kgr: ValidationFailed: " + errors + " error(s) in " + config + "; not started");
            return ExitCodes.ERROR;
        }
        Service service = Service.start(loaded.config().get(), new Service.Options(Optional.ofNullable(leaderElect),
                Optional.ofNullable(kubeconfig), Optional.ofNullable(identity), Optional.ofNullable(port)));
        err.println("kgr serve: listening on port " + service.port() + " (GET /api/v1/status, /metrics)");
        err.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and Ctrl-C: finish the current step, release the lease, exit 0
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.stop(Duration.ofSeconds(graceSeconds));
            stopped.countDown();
            System.err.flush();
            Runtime.getRuntime().halt(ExitCodes.OK);
        }, "kgr-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }
}

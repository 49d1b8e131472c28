package io.kgr.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole product on this machine: a real Kafka cluster in-process, an in-memory Kubernetes "
                + "API server (pods simulated), a Git repository made from samples-repo, and kgr serve reconciling them. "
                + "Needs the class path of 'make run'.")
final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--brokers", defaultValue = "3", description = "Kafka brokers (default: ${DEFAULT-VALUE}; 1 is lighter).")
    int brokers;

    @Option(names = "--repo", paramLabel = "DIR|URL",
            description = "A folder to start the demo's Git repository from (default: samples-repo), or a Git URL to watch instead.")
    String repo;

    @Option(names = "--cluster", defaultValue = "my-cluster", description = "The cluster name of the manifests (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Option(names = "--once", description = "One reconcile (plan, apply, summary), then stop everything and exit 0 or 1.")
    boolean once;

    @Option(names = "--schedule", paramLabel = "SECONDS", defaultValue = "15",
            description = "Reconcile every this many seconds without a push (default: ${DEFAULT-VALUE}).")
    int scheduleSeconds;

    @Option(names = "--port", defaultValue = "0", description = "Port of kgr's HTTP API (default: a free one).")
    int port;

    @Override
    public Integer call() throws Exception {
        try {
            Class.forName("org.apache.kafka.common.test.KafkaClusterTestKit");
            Class.forName("io.fabric8.kubernetes.client.server.mock.KubernetesMockServer");
        } catch (ClassNotFoundException e) {
            spec.commandLine().getErr().println("kgr: the demo's embedded Kafka and Kubernetes are not on the class path"
                    + " (kgr.jar does not ship them): run 'make run' from the source tree");
            return ExitCodes.ERROR;
        }
        Path samples = Path.of(System.getProperty("kgr.samples", "samples-repo")).toAbsolutePath().normalize();
        return io.kgr.demo.Demo.run(new io.kgr.demo.Demo.Options(brokers, Optional.ofNullable(repo), cluster, once,
                scheduleSeconds, port, samples), spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}

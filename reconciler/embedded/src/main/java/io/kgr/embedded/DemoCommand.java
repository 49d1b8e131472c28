package io.kgr.embedded;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.kgr.cli.CommandPlugin;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole product on this machine: an in-memory Kubernetes API server, a Git repository made "
                + "from samples-repo (or --repo), and kgr serve reconciling them. A repository's KRaft Kafka 4 clusters are "
                + "created by kgr, its pods run as real broker processes by a local kubelet; any other repository gets "
                + "an in-process Kafka cluster and simulated pods. Comes with the embedded environment's jar (make build).")
public final class DemoCommand implements Callable<Integer> {
    /** Adds {@code demo} to kgr's commands when this module's jar is on the class path. */
    public static final class Plugin implements CommandPlugin {
        @Override
        public String name() {
            return "demo";
        }

        @Override
        public Class<?> command() {
            return DemoCommand.class;
        }
    }

    @Spec CommandSpec spec;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "3", description = "Kafka brokers (default: ${DEFAULT-VALUE}; 1 is lighter).")
    int brokers;

    @Option(names = "--repo", paramLabel = "DIR|URL",
            description = "A folder to start the demo's Git repository from (default: samples-repo), or a Git URL to watch instead.")
    String repo;

    @Option(names = "--cluster", paramLabel = "NAME", description = "The cluster to run (default: every cluster the repository declares"
            + " that this machine can run, each by its own source; my-cluster when it declares none).")
    String cluster;

    @Option(names = "--once", description = "One reconcile (plan, apply, summary), then stop everything and exit 0 or 1.")
    boolean once;

    @Option(names = "--schedule", paramLabel = "SECONDS", defaultValue = "15",
            description = "Reconcile every this many seconds without a push (default: ${DEFAULT-VALUE}).")
    int scheduleSeconds;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", description = "Port of kgr's HTTP API (default: a free one).")
    int port;

    @Override
    public Integer call() throws Exception {
        Path samples = Path.of(System.getProperty("kgr.samples", "samples-repo")).toAbsolutePath().normalize();
        return Demo.run(new Demo.Options(brokers, Optional.ofNullable(repo), Optional.ofNullable(cluster), once,
                scheduleSeconds, port, samples), spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}

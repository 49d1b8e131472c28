package io.kgr.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * {@code kgr serve}: keeps every configured source's cluster equal to Git, on a schedule and on pushes, and reports
 * over HTTP. Only the leader reconciles; every replica answers probes and metrics.
 */
public final class Service implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Service.class);

    /**
     * How this process runs.
     *
     * @param leaderElect  overrides the config's {@code leaderElection.enabled}
     * @param kubeconfig   for the Lease (default: in-cluster, $KUBECONFIG or ~/.kube/config)
     * @param identity     this replica's name in the Lease (default: POD_NAME, else host name and process id)
     * @param port         overrides {@code server.port}
     * @param listener     follows runs as they happen
     */
    public record Options(Optional<Boolean> leaderElect, Optional<Path> kubeconfig, Optional<String> identity,
                          Optional<Integer> port, RunListener listener) {
        public Options(Optional<Boolean> leaderElect, Optional<Path> kubeconfig, Optional<String> identity,
                       Optional<Integer> port) {
            this(leaderElect, kubeconfig, identity, port, RunListener.NONE);
        }

        public static Options defaults() {
            return new Options(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        public Options withListener(RunListener listener) {
            return new Options(leaderElect, kubeconfig, identity, port, listener);
        }
    }

    private final ServiceConfig config;
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final Map<String, ClusterConnection> clusters = new LinkedHashMap<>();
    private final Map<String, SourceRunner> runners = new LinkedHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean ledBefore = new AtomicBoolean();
    private final Scheduling scheduling;
    private final Leadership leadership;
    private final HttpApi http;

    private Service(ServiceConfig config, Options options) throws IOException, SchedulerException {
        this.config = config;
        String identity = options.identity().or(() -> Optional.ofNullable(System.getenv("POD_NAME")))
                .orElse(hostName() + "-" + ProcessHandle.current().pid());
        for (ServiceConfig.Cluster c : config.clusters()) clusters.put(c.name(), new ClusterConnection(c));
        Files.createDirectories(config.cacheDir());
        for (ServiceConfig.Source s : config.sources()) {
            metrics.register(s.name());
            runners.put(s.name(), new SourceRunner(s, clusters.get(s.cluster()), config.cacheDir(),
                    new SourceState(config.history()), metrics, Clock.systemUTC(), options.listener()));
        }
        this.leadership = electionWanted(config, options)
                ? Leadership.elected(identity, kubernetes(options.kubeconfig())) : Leadership.always(identity);
        this.scheduling = new Scheduling(runners, () -> stopping.get() || !leadership.isLeader());
        ServiceConfig.Server server = options.port().map(p -> new ServiceConfig.Server(p, config.server().bindAddress(),
                config.server().maxWebhookBytes(), config.server().apiTokenFile())).orElse(config.server());
        this.http = new HttpApi(this, server);
    }

    /** Starts the HTTP server, then leader election (or reconciling at once, without it). */
    public static Service start(ServiceConfig config, Options options) throws IOException {
        Service service;
        try {
            service = new Service(config, options);
        } catch (SchedulerException e) {
            throw new IOException("cannot start the scheduler: " + e.getMessage(), e);
        }
        service.http.start();
        log.info("kgr serve: HTTP on port {}; {} source(s), {} cluster(s)", service.http.port(), config.sources().size(),
                config.clusters().size());
        service.leadership.start(config.leaderElection(), leaseNamespace(config, options), new Leadership.Listener() {
            @Override
            public void startLeading() {
                service.onStartLeading();
            }

            @Override
            public void stopLeading() {
                service.onStopLeading();
            }
        });
        return service;
    }

    private void onStartLeading() {
        if (stopping.get()) return;
        try {
            scheduling.start();
            String why = ledBefore.getAndSet(true) ? "leader" : "startup";
            for (SourceRunner r : runners.values()) {
                if (r.source().suspend()) log.info("source {} is suspended: not scheduled", r.source().name());
                else scheduling.runNow(r.source().name(), why);
            }
        } catch (SchedulerException e) {
            log.error("cannot start scheduling: {}", e.getMessage());
        }
    }

    private void onStopLeading() {
        try {
            scheduling.standby();
        } catch (SchedulerException e) {
            log.warn("cannot pause scheduling: {}", e.getMessage());
        }
    }

    private static boolean electionWanted(ServiceConfig config, Options options) {
        if (options.leaderElect().isPresent()) return options.leaderElect().get();
        return switch (config.leaderElection().enabled()) {
            case "true" -> true;
            case "false" -> false;
            default -> System.getenv("KUBERNETES_SERVICE_HOST") != null; // auto: on inside a pod
        };
    }

    private static KubernetesClient kubernetes(Optional<Path> kubeconfig) {
        Config c;
        if (kubeconfig.isPresent()) {
            try {
                c = Config.fromKubeconfig(null, Files.readString(kubeconfig.get()), kubeconfig.get().toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig.get(), e);
            }
        } else {
            c = Config.autoConfigure(null);
        }
        return new KubernetesClientBuilder().withConfig(c).build();
    }

    private static String leaseNamespace(ServiceConfig config, Options options) {
        return config.leaderElection().namespace()
                .or(() -> Optional.ofNullable(System.getenv("POD_NAMESPACE")))
                .orElse("default");
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "kgr";
        }
    }

    public int port() {
        return http.port();
    }

    /** Where the HTTP server listens. */
    public InetSocketAddress boundAddress() {
        return http.address();
    }

    /** Runs a source as soon as possible (folded into a run that is already waiting); false if it cannot run now. */
    public boolean runNow(String source, String why) {
        try {
            return leadership.isLeader() && scheduling.runNow(source, why);
        } catch (SchedulerException e) {
            return false;
        }
    }

    public boolean isLeader() {
        return leadership.isLeader();
    }

    /** Why /readyz says no: the leader is ready once every active source has been fetched. A standby replica is ready. */
    Optional<String> notReadyBecause() {
        if (stopping.get()) return Optional.of("shutting down");
        if (!leadership.isLeader()) return Optional.empty();
        List<String> waiting = new ArrayList<>();
        for (SourceRunner r : runners.values()) {
            if (!r.source().suspend() && !r.state().fetchedOnce()) waiting.add(r.source().name());
        }
        return waiting.isEmpty() ? Optional.empty() : Optional.of("waiting for the first fetch of " + String.join(", ", waiting));
    }

    ServiceConfig config() {
        return config;
    }

    ServiceMetrics metrics() {
        return metrics;
    }

    Leadership leadership() {
        return leadership;
    }

    Scheduling scheduling() {
        return scheduling;
    }

    List<SourceRunner> runners() {
        return List.copyOf(runners.values());
    }

    Optional<SourceRunner> runner(String name) {
        return Optional.ofNullable(runners.get(name));
    }

    /** The source {@code POST /hooks/git} means when it names none: the only one with a webhook. */
    Optional<SourceRunner> onlyWebhookSource() {
        List<SourceRunner> withHook = runners.values().stream().filter(r -> r.source().webhookSecretFile().isPresent()).toList();
        return withHook.size() == 1 ? Optional.of(withHook.get(0)) : Optional.empty();
    }

    /**
     * Stops: no new runs; a running apply finishes its current step (waiting at most {@code grace}), then the lease is
     * released and the clients are closed.
     */
    public void stop(Duration grace) {
        if (!stopping.compareAndSet(false, true)) return;
        log.info("kgr serve: stopping (waiting up to {} s for a running step)", grace.toSeconds());
        scheduling.shutdown(grace);
        leadership.close();
        http.close();
        clusters.values().forEach(ClusterConnection::close);
        metrics.close();
        log.info("kgr serve: stopped");
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }
}

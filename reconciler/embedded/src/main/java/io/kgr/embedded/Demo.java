package io.kgr.embedded;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.kgr.apply.StepResult;
import io.kgr.desired.ClusterSpec;
import io.kgr.desired.DesiredState;
import io.kgr.desired.DesiredStateBuilder;
import io.kgr.desired.SecretResolver;
import io.kgr.manifest.ManifestLoader;
import io.kgr.manifest.SchemaCatalog;
import io.kgr.observe.KafkaBootstrap;
import io.kgr.plan.Plan;
import io.kgr.render.TextRenderer;
import io.kgr.service.RunListener;
import io.kgr.service.RunRecord;
import io.kgr.service.Service;
import io.kgr.service.ServiceConfig;
import io.kgr.source.GitSource;
import io.kgr.source.SourceException;
import io.kgr.source.SourceSpec;
import io.kgr.tls.CertSecrets;

/**
 * {@code kgr demo}: the whole product on one machine. A real Kafka cluster in this process, an in-memory Kubernetes API
 * server with simulated pods, a bare Git repository made from samples-repo, and {@code kgr serve} reconciling them on
 * a short schedule and at once on every push. Everything lives under one temporary folder that stopping removes.
 */
public final class Demo {
    static final String NAMESPACE = "kafka";
    static final String SOURCE = "demo";

    /**
     * @param repo            a folder to copy into the demo's Git repository (default samples-repo), or a Git URL to watch
     * @param scheduleSeconds how often the service reconciles without a push
     */
    public record Options(int brokers, Optional<String> repo, Optional<String> clusterGiven, boolean once, int scheduleSeconds,
                          int port, Path samples) {
    }

    private final Options options;
    private final PrintWriter out;
    private final List<AutoCloseable> running = new ArrayList<>();
    private boolean realBrokers;
    private Path home;

    private Demo(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /** Runs the demo; returns the exit code (with --once: 0 when the reconcile succeeded, 1 otherwise). */
    public static int run(Options options, PrintWriter out, PrintWriter err) throws Exception {
        Demo demo = new Demo(options, out);
        Thread cleanup = new Thread(demo::stop, "kgr-demo-stop");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return demo.start();
        } finally {
            demo.stop();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running already
            }
        }
    }

    private int start() throws Exception {
        // the printer below shows every run; the service's own run log would say it all twice
        if (LoggerFactory.getLogger("io.kgr.service.SourceRunner") instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
        home = Files.createTempDirectory("kgr-demo-");
        out.println("kgr demo — the whole product on this machine. Everything below is on 127.0.0.1 and lives in " + home);
        out.println();

        Path content = options.repo().map(Path::of).filter(Files::isDirectory).orElse(options.samples());
        boolean watchesUrl = options.repo().isPresent() && !Files.isDirectory(Path.of(options.repo().get()));
        chooseClusters(content, watchesUrl);

        EmbeddedKubernetes kube = EmbeddedKubernetes.start(NAMESPACE);
        running.add(0, kube);
        PodSimulator simulator = new PodSimulator(kube.client()).start();
        running.add(0, simulator);
        Path kubeconfig = kube.writeKubeconfig(home.resolve("kubeconfig"));
        Optional<String> bootstrap = Optional.empty();
        String names = String.join(", ", targets.stream().map(Target::name).toList());
        if (realBrokers) {
            simulator.skip(LocalKubelet::runs);
            running.add(0, new LocalKubelet(kube.client(), NAMESPACE, home.resolve("kubelet"),
                    System.getProperty("java.class.path")).start());
            progress("Kubernetes", "in-memory API server at " + kube.url() + " (fabric8 mock, CRUD) with the PodSet and Strimzi CRDs,"
                    + " and a local kubelet: each Kafka pod kgr creates runs as a REAL broker (its own JVM on an address of "
                    + String.join(", ", targets.stream().map(t -> LocalKubelet.addressRange(t.name())).toList()) + ");"
                    + " other pods are simulated");
            progress("Kafka", (targets.size() == 1 ? "cluster " + names + " is" : "clusters " + names + " are")
                    + " created by kgr from Git; kgr reaches the brokers through Service <cluster>-kafka-bootstrap once"
                    + " their pods are ready — topics, users, ACLs and quotas are applied to them for real");
        } else {
            progress("Kafka", "starting a real KRaft cluster in this process (" + options.brokers() + " broker(s), with an authorizer) …");
            long t0 = System.nanoTime();
            DemoKafka kafka = DemoKafka.start(options.brokers());
            running.add(0, kafka);
            bootstrap = Optional.of(kafka.bootstrapServers());
            progress("Kafka", String.format("up in %.1f s at %s (standing in for %s) — topics, users, ACLs and quotas"
                    + " are applied to it for real", (System.nanoTime() - t0) / 1e9, bootstrap.get(), names));
            progress("Kubernetes", "in-memory API server at " + kube.url() + " (fabric8 mock, CRUD) with the PodSet and Strimzi CRDs;"
                    + " pods are SIMULATED (they become Ready, nothing runs)");
        }

        String gitUrl;
        Path secretFile = home.resolve("webhook-secret");
        Files.writeString(secretFile, randomSecret());
        Optional<Path> bare = Optional.empty();
        if (options.repo().isPresent() && !Files.isDirectory(Path.of(options.repo().get()))) {
            gitUrl = options.repo().get();
            progress("Git", "watching " + GitSource.redact(gitUrl) + " (pushes there are seen on the schedule)");
        } else {
            Path repo = home.resolve("git").resolve("kafka-gitops.git");
            DemoGit.create(repo, content, home);
            bare = Optional.of(repo);
            gitUrl = repo.toUri().toString();
            progress("Git", "bare repository " + gitUrl + " made from " + content);
        }
        int passwords = createUserSecrets(kube, gitUrl);
        if (passwords > 0) {
            progress("Secrets", passwords + " user password(s) generated into Secrets of namespace " + NAMESPACE
                    + " (users without a password reference get one from kgr)");
        }

        Printer printer = new Printer();
        Service service = Service.start(config(bootstrap, kubeconfig, gitUrl, secretFile),
                new Service.Options(Optional.of(false), Optional.empty(), Optional.of("kgr-demo"),
                        Optional.of(options.port())).withListener(printer));
        running.add(0, service);
        printer.service = service;
        String api = "http://127.0.0.1:" + service.port();
        if (bare.isPresent()) {
            DemoGit.installHook(bare.get(), targets.stream().map(t -> api + "/hooks/git/" + t.source()).toList(), secretFile);
        }
        progress("kgr serve", "status " + api + "/api/v1/status, metrics " + api + "/metrics; reconciles every "
                + options.scheduleSeconds() + " s" + (bare.isPresent() ? " and at once on every push" : "")
                + (targets.size() > 1 ? "; one source per cluster: " + String.join(", ", targets.stream().map(Target::source).toList()) : ""));
        out.println();
        out.flush();

        printer.firstRuns.await();
        boolean succeeded = true;
        Optional<String> firstBootstrap = Optional.empty();
        List<String> answering = new ArrayList<>();
        for (Target t : targets) {
            succeeded &= printer.first.get(t.source()).succeeded();
            Optional<String> servers = bootstrap.isPresent() ? bootstrap : serviceEndpoints(kube, t.name());
            if (servers.isEmpty()) {
                out.println("No broker of " + t.name() + " is ready behind its bootstrap Service.");
                succeeded = false;
                continue;
            }
            if (firstBootstrap.isEmpty()) firstBootstrap = servers;
            answering.add(t.name());
            if (realBrokers) {
                progress("Kafka", t.name() + "'s brokers answer at " + servers.get() + " (the ready endpoints of"
                        + " Service " + t.name() + "-kafka-bootstrap)");
            }
            // counted as kgr sees them (its own certificate, on the cluster's replication listener, when it has one)
            var asKgr = KafkaBootstrap.resolve(kube.client(), NAMESPACE, Optional.of(t.name()), false);
            Map<String, Object> adminProps = new HashMap<>(asKgr.security());
            adminProps.put("bootstrap.servers", asKgr.servers().orElse(servers.get()));
            try (Admin admin = Admin.create(adminProps)) {
                long topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).size();
                out.println("Topics on " + t.name() + " now: " + topics);
            }
        }
        if (realBrokers && !answering.isEmpty()) hostsFile(kube, answering);
        if (options.once()) return succeeded ? 0 : 1;

        out.println();
        Target main = targets.get(0);
        Optional<Path> clientConfig = realBrokers ? clientFiles(kube, main.spec().get()) : Optional.empty();
        printTryIt(main, firstBootstrap.orElse("<bootstrap>"), kubeconfig, gitUrl, api, clientConfig);

        out.println();
        out.println("Watching Git. Push a change and watch it arrive here; Ctrl-C stops everything.");
        out.flush();
        new CountDownLatch(1).await(); // until Ctrl-C: the shutdown hook stops everything
        return 0;
    }

    /** The addresses behind the cluster's bootstrap Service, as kgr itself finds them (waits a little for the kubelet). */
    private Optional<String> serviceEndpoints(EmbeddedKubernetes kube, String clusterName) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            var found = KafkaBootstrap.forClients(kube.client(), NAMESPACE, Optional.of(clusterName), false);
            if (found.servers().isPresent() || System.nanoTime() > deadline) return found.servers();
            Thread.sleep(500);
        }
    }

    /** Without bootstrap servers, kgr serve finds each cluster's bootstrap Service by itself. */
    private ServiceConfig config(Optional<String> bootstrap, Path kubeconfig, String gitUrl, Path secretFile) {
        String schedule = "0/" + Math.max(1, Math.min(59, options.scheduleSeconds())) + " * * * * ?";
        StringBuilder clusters = new StringBuilder();
        StringBuilder sources = new StringBuilder();
        for (Target t : targets) {
            clusters.append("""
                      - name: %s
                        namespace: %s
                        kubernetes: {mode: kubeconfig, kubeconfig: "%s"}
                        kafka: {%stimeoutSeconds: 30}
                    """.formatted(t.name(), NAMESPACE, kubeconfig,
                    bootstrap.map(b -> "bootstrapServers: \"" + b + "\", ").orElse("")));
            sources.append("""
                      - name: %s
                        url: "%s"
                        cluster: %s
                        schedule: "%s"
                        prune: true
                        webhook: {secretFile: "%s"}
                    """.formatted(t.source(), gitUrl, t.name(), schedule, secretFile));
        }
        String yaml = """
                server: {port: %d, bindAddress: 127.0.0.1}
                cacheDir: cache
                leaderElection: {enabled: false}
                clusters:
                %ssources:
                %s""".formatted(options.port(), clusters, sources);
        ServiceConfig.Result result = ServiceConfig.parse("kgr-demo.yaml", yaml, home);
        if (!result.ok()) throw new IllegalStateException("demo configuration: " + result.diagnostics());
        return result.config().get();
    }

    /** A cluster this demo runs: its name, the serve source that reconciles it, its Kafka when the repository has it. */
    private record Target(String name, String source, Optional<ClusterSpec> spec) {
    }

    private final List<Target> targets = new ArrayList<>();

    /**
     * The clusters this demo runs: --cluster, or every Kafka the repository declares that the local kubelet can run
     * (each with its own source); when it can run none, one in-process cluster stands in for the first (or for
     * my-cluster when the repository declares none). The others are named, with the reason.
     */
    private void chooseClusters(Path content, boolean watchesUrl) {
        Map<String, Optional<ClusterSpec>> declared = new TreeMap<>();
        if (!watchesUrl) {
            try {
                var snapshot = new GitSource().read(new SourceSpec(content.toString(), Optional.empty(), "",
                        home.resolve("cache"), Optional.empty()));
                var manifests = new ManifestLoader(new SchemaCatalog()).load(snapshot);
                TreeSet<String> names = new TreeSet<>();
                manifests.ofKind("Kafka").forEach(k -> names.add(k.name()));
                options.clusterGiven().ifPresent(given -> names.retainAll(Set.of(given)));
                for (String name : names) {
                    var desired = new DesiredStateBuilder(Optional.of(name), SecretResolver.unchecked()).build(manifests);
                    declared.put(name, desired.state().flatMap(DesiredState::kafka));
                }
            } catch (SourceException e) {
                // the service reads the repository again and reports what is wrong with it
            }
        }
        List<String> local = new ArrayList<>();
        declared.forEach((name, spec) -> {
            Optional<String> why = spec.isEmpty() ? Optional.of("its Kafka manifest does not validate (bin/kgr validate"
                    + " shows why)") : notLocal(spec.get());
            if (why.isEmpty()) local.add(name);
        });
        realBrokers = !local.isEmpty();
        if (realBrokers) {
            for (String name : local) {
                targets.add(new Target(name, local.size() == 1 ? SOURCE : SOURCE + "-" + name, declared.get(name)));
            }
        } else {
            String name = options.clusterGiven().orElse(declared.isEmpty() ? "my-cluster" : declared.keySet().iterator().next());
            targets.add(new Target(name, SOURCE, declared.getOrDefault(name, Optional.empty())));
        }
        declared.forEach((name, spec) -> {
            if (targets.stream().anyMatch(t -> t.name().equals(name))) return;
            String why = spec.flatMap(Demo::notLocal).orElse("its Kafka manifest does not validate");
            out.println("Cluster " + name + " is not run here: " + why + "; `bin/kgr plan --cluster " + name
                    + "` against a real Kubernetes shows its plan.");
        });
    }

    /**
     * Why the local kubelet cannot run this cluster's brokers, if it cannot: it runs KRaft nodes of Kafka 4 with a
     * listener and a broker.
     */
    static Optional<String> notLocal(ClusterSpec c) {
        if (!c.kraft()) return Optional.of("it runs in ZooKeeper mode, and this machine's kubelet runs KRaft nodes only");
        if (!c.image().matches("apache/kafka:4\\..*")) return Optional.of("Kafka " + c.version() + " (this machine's kubelet runs Kafka 4)");
        if (c.listeners().isEmpty()) return Optional.of("it declares no listener");
        if (c.pools().stream().noneMatch(ClusterSpec.Pool::isBroker)) return Optional.of("it has no broker");
        return Optional.empty();
    }

    /** A random password in a Secret for every secretKeyRef of the repository's users, as a platform team would. */
    private int createUserSecrets(EmbeddedKubernetes kube, String gitUrl) throws Exception {
        var snapshot = new GitSource().read(new SourceSpec(gitUrl, Optional.empty(), "", home.resolve("cache"), Optional.empty()));
        var manifests = new ManifestLoader(new SchemaCatalog()).load(snapshot);
        int n = 0;
        for (var m : manifests.ofKind("KafkaUser")) {
            var ref = m.body().path("spec").path("authentication").path("password").path("valueFrom").path("secretKeyRef");
            if (!ref.isObject()) continue;
            String name = ref.path("name").asString();
            String key = ref.path("key").asString();
            var existing = kube.client().secrets().inNamespace(NAMESPACE).withName(name).get();
            var secret = existing != null ? existing : new SecretBuilder().withNewMetadata().withName(name)
                    .withNamespace(NAMESPACE).endMetadata().build();
            Map<String, String> data = new HashMap<>(secret.getData() == null ? Map.of() : secret.getData());
            data.put(key, Base64.getEncoder().encodeToString(randomSecret().getBytes(StandardCharsets.UTF_8)));
            secret.setData(data);
            kube.client().secrets().inNamespace(NAMESPACE).resource(secret).createOr(r -> r.update());
            n++;
        }
        return n;
    }

    /**
     * Client settings for the cluster's TLS listeners, from what kgr put into its Secrets, as a user would write them:
     * {@code ca.crt} of {@code <cluster>-cluster-ca-cert} to trust the brokers, and for each TLS user its
     * {@code user.p12}. The demo reaches the brokers by address, which their certificates do not name: these files
     * check the chain, not the host name. Returns the file for the first listener, when it is a TLS one.
     */
    private Optional<Path> clientFiles(EmbeddedKubernetes kube, ClusterSpec c) throws IOException {
        if (c.listeners().isEmpty() || !c.listeners().get(0).tls()) return Optional.empty();
        var client = kube.client();
        var caSecret = client.secrets().inNamespace(NAMESPACE).withName(CertSecrets.caCert(c.name(),
                CertSecrets.CLUSTER_CA)).get();
        Optional<String> ca = CertSecrets.text(caSecret, "ca.crt");
        if (ca.isEmpty()) return Optional.empty();
        Path dir = Files.createDirectories(home.resolve("clients"));
        Path caFile = Files.writeString(dir.resolve("ca.crt"), ca.get());
        String common = "security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=" + caFile
                + "\n# the demo's brokers answer on addresses their certificates do not name\nssl.endpoint.identification.algorithm=\n";
        Path tls = Files.writeString(dir.resolve("tls.properties"), common);
        Optional<Path> first = c.listeners().get(0).authentication().isEmpty() ? Optional.of(tls) : Optional.empty();
        for (var secret : client.secrets().inNamespace(NAMESPACE).withLabel(CertSecrets.CERTIFICATE_LABEL, "user")
                .list().getItems()) {
            String user = secret.getMetadata().getName();
            Path p12 = dir.resolve(user + ".p12");
            Files.write(p12, Base64.getDecoder().decode(secret.getData().get("user.p12")));
            Path props = Files.writeString(dir.resolve(user + ".properties"), common + "ssl.keystore.type=PKCS12\n"
                    + "ssl.keystore.location=" + p12 + "\nssl.keystore.password="
                    + CertSecrets.text(secret, "user.password").orElse("") + "\n");
            if (first.isEmpty() && c.listeners().get(0).authentication().filter("tls"::equals).isPresent()) first = Optional.of(props);
        }
        progress("Clients", "TLS client settings from the cluster's Secrets (ca.crt, each TLS user's user.p12) in " + dir);
        return first;
    }

    /**
     * What cluster DNS would answer for the names in the cluster's status ({@code <cluster>-kafka-bootstrap.kafka.svc}),
     * as a hosts file: {@code bin/kafka} hands it to Kafka's tools ({@code -Djdk.net.hosts.file}) when
     * {@code KGR_HOSTS_FILE} names it, so that the status's bootstrap address works outside Kubernetes too.
     */
    private void hostsFile(EmbeddedKubernetes kube, List<String> clusters) throws IOException {
        Path hosts = home.resolve("hosts");
        StringBuilder lines = new StringBuilder("127.0.0.1 localhost\n");
        for (String clusterName : clusters) {
            String first = LocalKubelet.address(clusterName, 0);
            var endpoints = kube.client().endpoints().inNamespace(NAMESPACE).withName(clusterName + "-kafka-bootstrap").get();
            if (endpoints != null && endpoints.getSubsets() != null && !endpoints.getSubsets().isEmpty()
                    && endpoints.getSubsets().get(0).getAddresses() != null && !endpoints.getSubsets().get(0).getAddresses().isEmpty()) {
                first = endpoints.getSubsets().get(0).getAddresses().get(0).getIp();
            }
            lines.append(first).append(' ').append(clusterName).append("-kafka-bootstrap.").append(NAMESPACE).append(".svc ")
                    .append(clusterName).append("-kafka-bootstrap.").append(NAMESPACE).append(".svc.cluster.local\n");
        }
        Files.writeString(hosts, lines);
        progress("DNS", "the clusters' Service names, as cluster DNS would answer them, in " + hosts
                + " (export KGR_HOSTS_FILE=" + hosts + " and bin/kafka resolves the status's bootstrap address)");
    }

    private void printTryIt(Target main, String bootstrap, Path kubeconfig, String gitUrl, String api, Optional<Path> clientConfig) {
        out.println("Try it (in another terminal):");
        out.println("  git clone " + gitUrl + " /tmp/kafka-gitops && cd /tmp/kafka-gitops");
        out.println("  # add a topic under clusters/" + main.name() + "/topics/, then: git add -A && git commit -m topic && git push");
        out.println("  curl -s " + api + "/api/v1/status");
        out.println("  kubectl --kubeconfig " + kubeconfig + " get kafka,knp,kt,ku -n " + NAMESPACE
                + "     # Git's Strimzi resources, with their status");
        out.println("  kubectl --kubeconfig " + kubeconfig + " get podsets,pods,pvc,svc,endpoints,secrets -n " + NAMESPACE);
        out.println("  bin/kafka topics --bootstrap-server " + bootstrap + " --list"
                + clientConfig.map(f -> " --command-config " + f).orElse(""));
        // with real brokers kgr finds them through the cluster's bootstrap Service, as serve does
        out.println("  bin/kgr plan --repo " + gitUrl + " --source-name " + main.source()
                + (targets.size() > 1 ? " --cluster " + main.name() : "")
                + (realBrokers ? "" : " --bootstrap-server " + bootstrap) + " --namespace " + NAMESPACE + " --kubeconfig " + kubeconfig);
        out.println();
    }

    private void progress(String what, String message) {
        out.printf("  %-11s %s%n", what, message);
        out.flush();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Stops everything it started, newest first, and removes the demo's folder. Safe to call twice. */
    private synchronized void stop() {
        if (running.isEmpty() && home == null) return;
        // closing brokers and the API server's event loops log what a closing process expects: nothing worth showing
        for (String name : List.of("org.apache.kafka", "kafka", "state.change.logger", "io.netty")) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) {
                l.setLevel(ch.qos.logback.classic.Level.OFF);
            }
        }
        for (AutoCloseable c : running) {
            try {
                if (c instanceof Service s) s.stop(Duration.ofSeconds(20));
                else c.close();
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
        running.clear();
        if (home != null) {
            try {
                DemoGit.deleteTree(home);
            } catch (IOException e) {
                // a temporary folder; the system cleans it eventually
            }
            home = null;
        }
        out.println("kgr demo: stopped; everything it started is gone.");
        out.flush();
    }

    /** Prints each run as it happens: the plan when there is something to do, every step, the outcome. */
    private final class Printer implements RunListener {
        /** Each source's first run (after its follow-up, when the first run created the cluster). */
        final Map<String, RunRecord> first = new ConcurrentHashMap<>();
        final CountDownLatch firstRuns = new CountDownLatch(targets.size());
        private final TextRenderer text = new TextRenderer(TextRenderer.colourWanted(false));
        private final Map<String, String> lastShown = new ConcurrentHashMap<>();
        private final Map<String, String> lastOutcome = new ConcurrentHashMap<>();
        private final Map<String, Boolean> kafkaPending = new ConcurrentHashMap<>();
        volatile Service service;

        /** With several clusters, each line says whose it is. */
        private String whose(String source) {
            if (targets.size() == 1) return "";
            return targets.stream().filter(t -> t.source().equals(source)).map(t -> t.name() + ": ").findFirst().orElse(source + ": ");
        }

        @Override
        public synchronized void planned(String source, String trigger, Plan plan) {
            kafkaPending.put(source, plan.has(Plan.Flag.KAFKA_PENDING));
            String commit = plan.header().commit();
            // the same plan again (a refused one, say) is not printed again every few seconds
            String shown = commit + plan.steps().stream().map(s -> s.id()).toList() + plan.refusals();
            boolean again = shown.equals(lastShown.put(source, shown));
            if ((plan.hasChanges() && !again) || !first.containsKey(source)) {
                out.println("==> " + whose(source) + "run (" + trigger + ") at " + commit.substring(0, Math.min(12, commit.length())) + ": plan");
                out.print(text.render(plan));
                out.flush();
            }
        }

        @Override
        public synchronized void stepDone(String source, StepResult r) {
            out.println("  " + whose(source) + r.outcome().name().toLowerCase(Locale.ROOT) + "  " + r.stepId()
                    + (r.message().isEmpty() ? "" : " — " + r.message()));
            out.flush();
        }

        @Override
        public synchronized void finished(RunRecord run) {
            String source = run.source();
            boolean firstRun = !first.containsKey(source);
            String outcome = run.status() + run.message() + run.commit();
            boolean quiet = (run.succeeded() && run.changes() == 0 || outcome.equals(lastOutcome.put(source, outcome))) && !firstRun;
            if (!quiet) {
                out.printf("<== %s%s: %s%s (%.1f s)%n", whose(source), run.status().reason(), run.message(),
                        run.drift() ? " — drift: the cluster had been changed outside kgr" : "", run.took().toMillis() / 1000.0);
                run.diagnostics().stream().filter(d -> !d.contains("  warning: ")).forEach(d -> out.println("    " + d));
                out.flush();
            }
            if (firstRun && kafkaPending.getOrDefault(source, false) && run.succeeded() && service != null) {
                // the cluster was just created: its brokers answer now, so topics and users follow at once
                out.println("==> " + whose(source) + "the brokers are up: a second run plans topics and users");
                out.flush();
                service.runNow(source, "follow-up");
                return;
            }
            if (first.putIfAbsent(source, run) == null) firstRuns.countDown();
        }
    }
}

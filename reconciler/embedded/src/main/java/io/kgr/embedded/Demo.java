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
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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
        clusterName = options.clusterGiven().orElseGet(() -> clusterNamed(content));
        Optional<ClusterSpec> cluster = options.repo().isPresent() && !Files.isDirectory(Path.of(options.repo().get()))
                ? Optional.empty() : clusterOf(content);
        boolean runsLocally = cluster.filter(Demo::runsLocally).isPresent();

        EmbeddedKubernetes kube = EmbeddedKubernetes.start(NAMESPACE);
        running.add(0, kube);
        PodSimulator simulator = new PodSimulator(kube.client()).start();
        running.add(0, simulator);
        Path kubeconfig = kube.writeKubeconfig(home.resolve("kubeconfig"));
        Optional<String> bootstrap = Optional.empty();
        if (realBrokers = runsLocally) {
            simulator.skip(LocalKubelet::runs);
            running.add(0, new LocalKubelet(kube.client(), NAMESPACE, home.resolve("kubelet"),
                    System.getProperty("java.class.path")).start());
            progress("Kubernetes", "in-memory API server at " + kube.url() + " (fabric8 mock, CRUD) with the PodSet and Strimzi CRDs,"
                    + " and a local kubelet: each Kafka pod kgr creates runs as a REAL broker (its own JVM on an address of "
                    + LocalKubelet.addressRange(cluster.get().name()) + ");"
                    + " other pods are simulated");
            progress("Kafka", "cluster " + cluster.get().name() + " is created by kgr from Git; kgr reaches its brokers"
                    + " through Service " + cluster.get().name() + "-kafka-bootstrap once their pods are ready — topics,"
                    + " users, ACLs and quotas are applied to them for real");
        } else {
            progress("Kafka", "starting a real KRaft cluster in this process (" + options.brokers() + " broker(s), with an authorizer) …");
            long t0 = System.nanoTime();
            DemoKafka kafka = DemoKafka.start(options.brokers());
            running.add(0, kafka);
            bootstrap = Optional.of(kafka.bootstrapServers());
            progress("Kafka", String.format("up in %.1f s at %s — topics, users, ACLs and quotas are applied to it for real",
                    (System.nanoTime() - t0) / 1e9, bootstrap.get()));
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

        AtomicReference<RunRecord> first = new AtomicReference<>();
        CountDownLatch firstRun = new CountDownLatch(1);
        Printer printer = new Printer(first, firstRun);
        Service service = Service.start(config(bootstrap, kubeconfig, gitUrl, secretFile),
                new Service.Options(Optional.of(false), Optional.empty(), Optional.of("kgr-demo"),
                        Optional.of(options.port())).withListener(printer));
        running.add(0, service);
        printer.service = service;
        String api = "http://127.0.0.1:" + service.port();
        if (bare.isPresent()) DemoGit.installHook(bare.get(), api + "/hooks/git/" + SOURCE, secretFile);
        progress("kgr serve", "status " + api + "/api/v1/status, metrics " + api + "/metrics; reconciles every "
                + options.scheduleSeconds() + " s" + (bare.isPresent() ? " and at once on every push" : ""));
        out.println();
        out.flush();

        firstRun.await();
        RunRecord run = first.get();
        if (bootstrap.isEmpty()) bootstrap = serviceEndpoints(kube);
        if (bootstrap.isEmpty()) {
            out.println("No broker of " + clusterName + " is ready behind its bootstrap Service.");
            if (options.once()) return 1;
        } else {
            if (realBrokers) {
                progress("Kafka", clusterName + "'s brokers answer at " + bootstrap.get() + " (the ready endpoints of"
                        + " Service " + clusterName + "-kafka-bootstrap)");
            }
            // counted as kgr sees them (its own certificate, on the cluster's replication listener, when it has one)
            var asKgr = KafkaBootstrap.resolve(kube.client(), NAMESPACE, Optional.of(clusterName), false);
            Map<String, Object> adminProps = new HashMap<>(asKgr.security());
            adminProps.put("bootstrap.servers", asKgr.servers().orElse(bootstrap.get()));
            try (Admin admin = Admin.create(adminProps)) {
                long topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).size();
                out.println("Topics on the Kafka cluster now: " + topics);
            }
            if (realBrokers) hostsFile(kube, clusterName);
        }
        if (options.once()) return run.succeeded() ? 0 : 1;

        out.println();
        Optional<Path> clientConfig = realBrokers ? clientFiles(kube, cluster.get()) : Optional.empty();
        printTryIt(bootstrap.orElse("<bootstrap>"), kubeconfig, gitUrl, api, clientConfig);

        out.println();
        out.println("Watching Git. Push a change and watch it arrive here; Ctrl-C stops everything.");
        out.flush();
        new CountDownLatch(1).await(); // until Ctrl-C: the shutdown hook stops everything
        return 0;
    }

    /** The addresses behind the cluster's bootstrap Service, as kgr itself finds them (waits a little for the kubelet). */
    private Optional<String> serviceEndpoints(EmbeddedKubernetes kube) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            var found = KafkaBootstrap.forClients(kube.client(), NAMESPACE, Optional.of(clusterName), false);
            if (found.servers().isPresent() || System.nanoTime() > deadline) return found.servers();
            Thread.sleep(500);
        }
    }

    /** Without bootstrap servers, kgr serve finds the cluster's bootstrap Service by itself. */
    private ServiceConfig config(Optional<String> bootstrap, Path kubeconfig, String gitUrl, Path secretFile) {
        String schedule = "0/" + Math.max(1, Math.min(59, options.scheduleSeconds())) + " * * * * ?";
        String yaml = """
                server: {port: %d, bindAddress: 127.0.0.1}
                cacheDir: cache
                leaderElection: {enabled: false}
                clusters:
                  - name: %s
                    namespace: %s
                    kubernetes: {mode: kubeconfig, kubeconfig: "%s"}
                    kafka: {%stimeoutSeconds: 30}
                sources:
                  - name: %s
                    url: "%s"
                    cluster: %s
                    schedule: "%s"
                    prune: true
                    webhook: {secretFile: "%s"}
                """.formatted(options.port(), clusterName, NAMESPACE, kubeconfig,
                bootstrap.map(b -> "bootstrapServers: \"" + b + "\", ").orElse(""), SOURCE,
                gitUrl, clusterName, schedule, secretFile);
        ServiceConfig.Result result = ServiceConfig.parse("kgr-demo.yaml", yaml, home);
        if (!result.ok()) throw new IllegalStateException("demo configuration: " + result.diagnostics());
        return result.config().get();
    }

    /** The cluster this demo runs: --cluster, or the one the repository declares. */
    private String clusterName = "my-cluster";

    /** The repository's Kafka (the first by name when it declares several), for a demo run without --cluster. */
    private String clusterNamed(Path content) {
        try {
            var snapshot = new GitSource().read(new SourceSpec(content.toString(), Optional.empty(), "", home.resolve("cache"),
                    Optional.empty()));
            TreeSet<String> names = new TreeSet<>();
            new ManifestLoader(new SchemaCatalog()).load(snapshot).ofKind("Kafka").forEach(k -> names.add(k.name()));
            if (names.isEmpty()) return "my-cluster";
            if (names.size() > 1) {
                out.println("The repository declares clusters " + names + "; this demo runs " + names.first()
                        + " (--cluster picks another).");
            }
            return names.first();
        } catch (SourceException e) {
            return "my-cluster";
        }
    }

    /** The repository's cluster named by --cluster, if it declares one. */
    private Optional<ClusterSpec> clusterOf(Path content) {
        try {
            var snapshot = new GitSource().read(new SourceSpec(content.toString(), Optional.empty(), "", home.resolve("cache"),
                    Optional.empty()));
            var desired = new DesiredStateBuilder(Optional.of(clusterName),
                    SecretResolver.unchecked()).build(new ManifestLoader(new SchemaCatalog()).load(snapshot));
            return desired.state().flatMap(DesiredState::kafka);
        } catch (SourceException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the local kubelet runs this cluster's brokers: KRaft, Kafka 4, and brokers with a listener.
     */
    static boolean runsLocally(ClusterSpec c) {
        // kgr reaches the brokers with its own certificate, whatever the cluster's listeners are
        if (!c.kraft() || !c.image().matches("apache/kafka:4\\..*") || c.listeners().isEmpty()) return false;
        return c.pools().stream().anyMatch(ClusterSpec.Pool::isBroker);
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
    private void hostsFile(EmbeddedKubernetes kube, String clusterName) throws IOException {
        Path hosts = home.resolve("hosts");
        String first = LocalKubelet.address(clusterName, 0);
        var endpoints = kube.client().endpoints().inNamespace(NAMESPACE).withName(clusterName + "-kafka-bootstrap").get();
        if (endpoints != null && endpoints.getSubsets() != null && !endpoints.getSubsets().isEmpty()
                && endpoints.getSubsets().get(0).getAddresses() != null && !endpoints.getSubsets().get(0).getAddresses().isEmpty()) {
            first = endpoints.getSubsets().get(0).getAddresses().get(0).getIp();
        }
        Files.writeString(hosts, "127.0.0.1 localhost\n" + first + " " + clusterName + "-kafka-bootstrap." + NAMESPACE + ".svc "
                + clusterName + "-kafka-bootstrap." + NAMESPACE + ".svc.cluster.local\n");
        progress("DNS", "the cluster's Service names, as cluster DNS would answer them, in " + hosts
                + " (export KGR_HOSTS_FILE=" + hosts + " and bin/kafka resolves the status's bootstrap address)");
    }

    private void printTryIt(String bootstrap, Path kubeconfig, String gitUrl, String api, Optional<Path> clientConfig) {
        out.println("Try it (in another terminal):");
        out.println("  git clone " + gitUrl + " /tmp/kafka-gitops && cd /tmp/kafka-gitops");
        out.println("  # add clusters/my-cluster/topics/payments.yaml, then: git add -A && git commit -m payments && git push");
        out.println("  curl -s " + api + "/api/v1/status");
        out.println("  kubectl --kubeconfig " + kubeconfig + " get kafka,knp,kt,ku -n " + NAMESPACE
                + "     # Git's Strimzi resources, with their status");
        out.println("  kubectl --kubeconfig " + kubeconfig + " get podsets,pods,pvc,svc,endpoints,secrets -n " + NAMESPACE);
        out.println("  bin/kafka topics --bootstrap-server " + bootstrap + " --list"
                + clientConfig.map(f -> " --command-config " + f).orElse(""));
        // with real brokers kgr finds them through the cluster's bootstrap Service, as serve does
        out.println("  bin/kgr plan --repo " + gitUrl + " --source-name " + SOURCE
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
        private final AtomicReference<RunRecord> first;
        private final CountDownLatch firstRun;
        private final TextRenderer text = new TextRenderer(TextRenderer.colourWanted(false));

        Printer(AtomicReference<RunRecord> first, CountDownLatch firstRun) {
            this.first = first;
            this.firstRun = firstRun;
        }

        private String lastShown = "";
        private String lastOutcome = "";
        private volatile boolean kafkaPending;
        volatile Service service;

        @Override
        public void planned(String source, String trigger, Plan plan) {
            kafkaPending = plan.has(Plan.Flag.KAFKA_PENDING);
            String commit = plan.header().commit();
            // the same plan again (a refused one, say) is not printed again every few seconds
            String shown = commit + plan.steps().stream().map(s -> s.id()).toList() + plan.refusals();
            boolean again = shown.equals(lastShown);
            lastShown = shown;
            if ((plan.hasChanges() && !again) || firstRun.getCount() > 0) {
                out.println("==> run (" + trigger + ") at " + commit.substring(0, Math.min(12, commit.length())) + ": plan");
                out.print(text.render(plan));
                out.flush();
            }
        }

        @Override
        public void stepDone(String source, StepResult r) {
            out.println("  " + r.outcome().name().toLowerCase(Locale.ROOT) + "  " + r.stepId()
                    + (r.message().isEmpty() ? "" : " — " + r.message()));
            out.flush();
        }

        @Override
        public void finished(RunRecord run) {
            String outcome = run.status() + run.message() + run.commit();
            boolean quiet = (run.succeeded() && run.changes() == 0 || outcome.equals(lastOutcome)) && firstRun.getCount() == 0;
            lastOutcome = outcome;
            if (!quiet) {
                out.printf("<== %s: %s%s (%.1f s)%n", run.status().reason(), run.message(),
                        run.drift() ? " — drift: the cluster had been changed outside kgr" : "", run.took().toMillis() / 1000.0);
                run.diagnostics().stream().filter(d -> !d.contains("  warning: ")).forEach(d -> out.println("    " + d));
                out.flush();
            }
            if (firstRun.getCount() > 0 && kafkaPending && run.succeeded() && service != null) {
                // the cluster was just created: its brokers answer now, so topics and users follow at once
                out.println("==> the brokers are up: a second run plans topics and users");
                out.flush();
                service.runNow(SOURCE, "follow-up");
                return;
            }
            if (first.compareAndSet(null, run)) firstRun.countDown();
        }
    }
}

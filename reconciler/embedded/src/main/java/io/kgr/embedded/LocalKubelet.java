package io.kgr.embedded;

import io.fabric8.kubernetes.api.model.Secret;
import io.kgr.kube.Pods;
import io.kgr.model.Labels;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A kubelet for the embedded environment that runs kgr's Kafka pods as real brokers: each pod gets its own loopback
 * address ({@link #address}: one range per cluster; all of 127.0.0.0/8 is local), its server.properties from its ConfigMap with
 * pod DNS names and bind addresses mapped to those addresses and volume paths mapped to folders, its storage formatted
 * with the cluster id once, and a JVM running {@code kafka.Kafka} (with the container's {@code KAFKA_OPTS}: kgr's agent).
 * The pod is Running while the process lives and Ready while its readiness probe passes, run as a kubelet runs it (a
 * broker's agent says it runs; a controller's port is open). Claims are folders that outlive their pod; deleting a pod stops
 * its broker (SIGTERM, then kill); a broker that dies makes its pod NotReady and is restarted with a back-off, as
 * restartPolicy Always does (the restart count shows it), unless a test keeps it down ({@link #crash}). Pods it cannot run (ZooKeeper mode, Kafka
 * versions other than 4.x) are left to {@link PodSimulator}. It also keeps the Services' Endpoints, so that a Service
 * (the cluster's bootstrap Service, say) leads to the addresses of its ready brokers.
 */
public final class LocalKubelet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalKubelet.class);
    private static final Pattern POD_DNS = Pattern.compile("([a-z0-9][-a-z0-9]*)-(\\d+)\\.([a-z0-9][-a-z0-9]*)-kafka-brokers\\.[a-z0-9][-a-z0-9]*\\.svc");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).build();

    private final KubernetesClient client;
    private final String namespace;
    private final Path root;
    private final String classpath;
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final EndpointsController endpoints;
    private final Set<String> keptDown = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> diedAt = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kgr-local-kubelet");
        t.setDaemon(true);
        return t;
    });

    /** A running pod: {@code readiness} is its container's readiness probe, which the kubelet runs as a kubelet does. */
    private record Node(String pod, String uid, String address, Probe readiness, Process process, Instant started, int restarts) {
    }

    /**
     * @param root      the environment's data folder: claims live under {@code root/volumes/<claim>}
     * @param classpath the class path of Kafka's server jars (this JVM's, in the demo)
     */
    public LocalKubelet(KubernetesClient client, String namespace, Path root, String classpath) {
        this.client = client;
        this.namespace = namespace;
        this.root = root;
        this.classpath = classpath;
        this.endpoints = new EndpointsController(client, namespace);
    }

    /**
     * Whether this kubelet runs the pod: a KRaft Kafka 4.x node made by kgr, or made as Strimzi's cluster operator makes
     * them (its image {@code quay.io/strimzi/kafka:<strimzi>-kafka-4.x}, run as {@link #strimziShaped} says).
     */
    public static boolean runs(Pod pod) {
        var labels = pod.getMetadata().getLabels();
        if (labels == null) return false;
        String managedBy = labels.get(Labels.MANAGED_BY);
        if (!Labels.KGR.equals(managedBy) && !Labels.STRIMZI_OPERATOR.equals(managedBy)) return false;
        if (labels.getOrDefault("strimzi.io/name", "").endsWith("-zookeeper")) return false;
        String image = pod.getSpec().getContainers().get(0).getImage();
        return image != null && (image.matches("apache/kafka:4\\..*") || image.matches(".*/strimzi/kafka:.*-kafka-4\\..*"));
    }

    /**
     * Whether the pod's container is Strimzi's ({@code kafka_run.sh}): it reads {@code server.config} and
     * {@code cluster.id} from its ConfigMap, resolves {@code ${strimzienv:…}} from its environment and
     * {@code ${strimzisecrets:namespace/secret:key}} from Secrets (here: the Secret's keys written to a folder, read with
     * Kafka's DirectoryConfigProvider). A pod kgr took over keeps running so until kgr replaces it.
     */
    static boolean strimziShaped(Pod pod) {
        var command = pod.getSpec().getContainers().get(0).getCommand();
        return command != null && command.stream().anyMatch(c -> c.endsWith("kafka_run.sh"));
    }

    /**
     * The loopback address of a cluster's node: {@code 127.<cluster>.<id / 254>.<id % 254 + 1>}, where the cluster's
     * octet (1–254) comes from its name, so that several clusters and any Strimzi node id fit in 127.0.0.0/8.
     */
    public static String address(String cluster, int nodeId) {
        return "127." + clusterOctet(cluster) + "." + nodeId / 254 + "." + (nodeId % 254 + 1);
    }

    /** The addresses a cluster's nodes get, as a CIDR range. */
    public static String addressRange(String cluster) {
        return "127." + clusterOctet(cluster) + ".0.0/16";
    }

    private static int clusterOctet(String cluster) {
        return 1 + Math.floorMod(cluster.hashCode(), 254);
    }

    /**
     * Stops a pod's broker behind kgr's back (kill -9, as a crash) and keeps that pod's broker from starting again, even
     * in a replacement pod, until {@link #bringBack}: a node that is down for good, for failure scenarios.
     */
    public void crash(String pod) {
        keptDown.add(pod);
        kill(pod);
    }

    /** Kills a pod's broker (kill -9, as a crash): its pod turns NotReady until the kubelet has restarted it. */
    public void kill(String pod) {
        Node n = nodes.get(pod);
        if (n != null) n.process().destroyForcibly();
    }

    /** Tells a pod's broker to stop (SIGTERM, as {@code kill 1} in its container): it shuts down in a controlled way. */
    public void terminate(String pod) {
        Node n = nodes.get(pod);
        if (n != null) n.process().destroy();
    }

    public void bringBack(String pod) {
        keptDown.remove(pod);
    }

    public LocalKubelet start() {
        timer.scheduleWithFixedDelay(this::tick, 0, 500, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One pass over the namespace's pods and claims. */
    public synchronized void tick() {
        try {
            Map<String, Pod> pods = new HashMap<>();
            for (Pod p : client.pods().inNamespace(namespace).list().getItems()) {
                if (runs(p)) pods.put(p.getMetadata().getName(), p);
            }
            // deleted (or replaced) pods: stop their brokers
            for (Node n : new ArrayList<>(nodes.values())) {
                Pod p = pods.get(n.pod());
                if (p == null || !p.getMetadata().getUid().equals(n.uid())) stop(n);
            }
            for (Pod p : pods.values()) {
                Node n = nodes.get(p.getMetadata().getName());
                if (n == null && keptDown.contains(p.getMetadata().getName())) continue;
                if (n == null) {
                    n = launch(p, 0);
                    if (n == null) continue;
                } else if (!n.process().isAlive() && !keptDown.contains(n.pod()) && restartDue(n)) {
                    Node again = launch(p, n.restarts() + 1); // restartPolicy Always, with the kubelet's back-off
                    if (again != null) n = again;
                }
                report(p, n);
            }
            removeOrphanedVolumes();
            endpoints.sync(client.pods().inNamespace(namespace).list().getItems()); // with the statuses just reported
        } catch (KubernetesClientException | IOException e) {
            log.warn("local kubelet: {}", e.getMessage());
        }
    }

    /** A dead broker restarts after 10 s, then 20 s, 40 s … at most 5 min, as the kubelet's CrashLoopBackOff. */
    private boolean restartDue(Node n) {
        Instant died = diedAt.computeIfAbsent(n.pod(), k -> Instant.now());
        long backoff = Math.min(300, 10L << Math.min(n.restarts(), 5));
        return Instant.now().isAfter(died.plusSeconds(backoff));
    }

    private Node launch(Pod pod, int restarts) throws IOException {
        String name = pod.getMetadata().getName();
        Optional<Integer> id = nodeId(name);
        if (id.isEmpty()) return null;
        ConfigMap config = client.configMaps().inNamespace(namespace).withName(name).get();
        boolean strimzi = strimziShaped(pod);
        String key = strimzi ? "server.config" : "server.properties";
        if (config == null || config.getData() == null || !config.getData().containsKey(key)) return null;
        String address = address(pod.getMetadata().getLabels().get(Labels.CLUSTER), id.get());
        Path dir = Files.createDirectories(root.resolve("pods").resolve(name));
        String localised = localise(config.getData().get(key), address, mounts(pod));
        String properties = strimzi ? strimziProviders(localised, dir) : localised;
        Path file = dir.resolve("server.properties");
        Files.writeString(file, properties, StandardCharsets.UTF_8);
        String clusterId = strimzi ? config.getData().getOrDefault("cluster.id", "").trim() : env(pod, "KAFKA_CLUSTER_ID");
        Path logFile = dir.resolve("kafka.log");
        // format once: --ignore-formatted makes a rolled node keep its data
        List<String> formatArgs = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "--ignore-formatted", "-t",
                clusterId, "-c", file.toString()));
        // Strimzi's kafka_run.sh formats with the metadata version its ConfigMap names
        String release = strimzi ? config.getData().getOrDefault("metadata.version", "").trim() : "";
        if (!release.isEmpty()) formatArgs.addAll(List.of("--release-version", release));
        Process format = java(formatArgs, logFile, "256m");
        try {
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                log.warn("local kubelet: formatting storage of {} failed (see {})", name, logFile);
                format.destroyForcibly();
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        // KAFKA_OPTS as kafka-run-class.sh passes it (kgr's agent, say), its paths and wildcard binds made local
        List<String> args = new ArrayList<>(options(env(pod, "KAFKA_OPTS"), address, mounts(pod)));
        args.addAll(List.of("kafka.Kafka", file.toString()));
        Process broker = java(args, logFile, "512m", strimzi ? environment(pod) : Map.of());
        Node n = new Node(name, pod.getMetadata().getUid(), address, pod.getSpec().getContainers().get(0).getReadinessProbe(),
                broker, Instant.now(), restarts);
        nodes.put(name, n);
        diedAt.remove(name);
        log.info("local kubelet: started {} at {} (pid {})", name, address, broker.pid());
        return n;
    }

    private static String env(Pod pod, String name) {
        var env = pod.getSpec().getContainers().get(0).getEnv();
        return env == null ? "" : env.stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue)
                .filter(Objects::nonNull).findFirst().orElse("");
    }

    /** JVM options of the pod, with mount paths turned into folders and the wildcard bind into the pod's address. */
    static List<String> options(String opts, String address, Map<String, Path> mounts) {
        List<String> out = new ArrayList<>();
        for (String o : opts.trim().split("\\s+")) {
            if (o.isEmpty()) continue;
            out.add(replaceMounts(o, mounts).replace("0.0.0.0", address));
        }
        return out;
    }

    private Process java(List<String> args, Path logFile, String heap) throws IOException {
        return java(args, logFile, heap, Map.of());
    }

    private Process java(List<String> args, Path logFile, String heap, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath));
        cmd.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** The container's plain environment variables, as its process sees them. */
    private static Map<String, String> environment(Pod pod) {
        Map<String, String> out = new HashMap<>();
        var env = pod.getSpec().getContainers().get(0).getEnv();
        if (env != null) env.stream().filter(e -> e.getValue() != null).forEach(e -> out.put(e.getName(), e.getValue()));
        return out;
    }

    private static final Pattern STRIMZI_SECRET = Pattern.compile("\\$\\{strimzisecrets:([^/}]+)/([^:}]+):([^}]+)}");

    /**
     * Strimzi's {@code server.config} made runnable here: each {@code ${strimzisecrets:ns/secret:key}} (Strimzi's own
     * provider, which reads Secrets from the API server) becomes {@code ${strimzidir:<folder>:key}}, the Secret's keys
     * written to a folder of the pod; the providers' path allow-lists (which name the container's paths) go.
     */
    String strimziProviders(String config, Path podDir) throws IOException {
        Matcher m = STRIMZI_SECRET.matcher(config);
        StringBuilder out = new StringBuilder();
        Set<String> written = new HashSet<>();
        while (m.find()) {
            Path folder = podDir.resolve("strimzi-secret-" + m.group(2));
            if (written.add(m.group(2))) {
                Files.createDirectories(folder);
                Secret secret = client.secrets().inNamespace(m.group(1)).withName(m.group(2)).get();
                if (secret != null && secret.getData() != null) {
                    for (var e : secret.getData().entrySet()) Files.write(folder.resolve(e.getKey()), Base64.getDecoder().decode(e.getValue()));
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement("${strimzidir:" + folder + ":" + m.group(3) + "}"));
        }
        m.appendTail(out);
        StringBuilder kept = new StringBuilder();
        for (String line : out.toString().split("\n")) {
            if (line.startsWith("config.providers.strimzisecrets.") || line.matches("config\\.providers\\.[^.]+\\.param\\.allowed\\.paths=.*")) continue;
            if (line.startsWith("config.providers=")) line = line.replace("strimzisecrets,", "").replace(",strimzisecrets", "");
            // the nodes' certificates name their DNS names, which here are addresses (the chain is still checked)
            if (line.equals("ssl.endpoint.identification.algorithm=HTTPS")) line = "ssl.endpoint.identification.algorithm=";
            kept.append(line).append('\n');
        }
        return kept.toString();
    }

    /** Mount path → local folder, for the pod's data volumes (claims by name, emptyDirs per pod). */
    private Map<String, Path> mounts(Pod pod) {
        Map<String, Path> out = new LinkedHashMap<>();
        Map<String, Volume> volumes = new HashMap<>();
        pod.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
        for (VolumeMount m : pod.getSpec().getContainers().get(0).getVolumeMounts()) {
            Volume v = volumes.get(m.getName());
            if (v == null) continue;
            if (v.getConfigMap() != null) {
                out.put(m.getMountPath(), configMapFolder(pod, v));
                continue;
            }
            if (v.getSecret() != null) {
                out.put(m.getMountPath(), secretFolder(pod, v));
                continue;
            }
            Path local = v.getPersistentVolumeClaim() != null
                    ? root.resolve("volumes").resolve(v.getPersistentVolumeClaim().getClaimName())
                    : root.resolve("pods").resolve(pod.getMetadata().getName()).resolve("empty-" + v.getName());
            out.put(m.getMountPath(), local);
        }
        return out;
    }

    /** A Secret volume: the Secret's keys as files in a folder of the pod, written when its broker starts. */
    private Path secretFolder(Pod pod, Volume v) {
        Path dir = root.resolve("pods").resolve(pod.getMetadata().getName()).resolve("secret-" + v.getName());
        try {
            Files.createDirectories(dir);
            Secret secret = client.secrets().inNamespace(namespace)
                    .withName(v.getSecret().getSecretName()).get();
            if (secret != null && secret.getData() != null) {
                for (var e : secret.getData().entrySet()) {
                    Files.write(dir.resolve(e.getKey()), Base64.getDecoder().decode(e.getValue()));
                }
            }
        } catch (IOException e) {
            log.warn("local kubelet: cannot mount Secret {} into {}: {}", v.getSecret().getSecretName(),
                    pod.getMetadata().getName(), e.getMessage());
        }
        return dir;
    }

    /** A ConfigMap volume: its text and binary values as files in a folder of the pod. */
    private Path configMapFolder(Pod pod, Volume v) {
        String configMap = v.getConfigMap().getName();
        Path dir = root.resolve("pods").resolve(pod.getMetadata().getName()).resolve("configmap-" + v.getName());
        try {
            Files.createDirectories(dir);
            ConfigMap cm = client.configMaps().inNamespace(namespace).withName(configMap).get();
            if (cm != null && cm.getData() != null) {
                for (var e : cm.getData().entrySet()) Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
            if (cm != null && cm.getBinaryData() != null) {
                for (var e : cm.getBinaryData().entrySet()) Files.write(dir.resolve(e.getKey()), Base64.getDecoder().decode(e.getValue()));
            }
        } catch (IOException e) {
            log.warn("local kubelet: cannot mount ConfigMap {} into {}: {}", configMap, pod.getMetadata().getName(), e.getMessage());
        }
        return dir;
    }

    /**
     * Pod DNS names and wildcard binds become the nodes' loopback addresses; mount paths become folders. The nodes'
     * certificates name their DNS names, which here are addresses: the nodes' own TLS connections check the chain
     * against the cluster CA, not the host name.
     */
    static String localise(String properties, String address, Map<String, Path> mounts) {
        Matcher m = POD_DNS.matcher(properties);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, address(m.group(3), Integer.parseInt(m.group(2))));
        m.appendTail(out);
        String text = replaceMounts(out.toString().replace("0.0.0.0", address), mounts);
        StringBuilder extra = new StringBuilder();
        Matcher tls = Pattern.compile("(?m)^(listener\\.name\\.[^.]+\\.)ssl\\.keystore\\.location=").matcher(text);
        while (tls.find()) extra.append(tls.group(1)).append("ssl.endpoint.identification.algorithm=\n");
        return extra.isEmpty() ? text : text + "# local kubelet: pod names are loopback addresses here\n" + extra;
    }

    /**
     * Mount paths turned into their folders in one pass, longest first: a folder of this kubelet may itself lie under
     * a path a pod mounts (Strimzi's pods mount /tmp), and must not be replaced again.
     */
    static String replaceMounts(String text, Map<String, Path> mounts) {
        if (mounts.isEmpty()) return text;
        Map<String, String> to = new HashMap<>();
        mounts.forEach((k, v) -> to.put(k.endsWith("/") ? k : k + "/", v.toString() + "/"));
        String alternatives = to.keySet().stream().sorted(java.util.Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote).collect(java.util.stream.Collectors.joining("|"));
        Matcher m = Pattern.compile(alternatives).matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(to.get(m.group())));
        m.appendTail(out);
        return out.toString();
    }

    private void report(Pod pod, Node n) {
        boolean alive = n.process().isAlive();
        boolean ready = alive && probe(n);
        if (ready == podReady(pod) && alive == started(pod) && n.restarts() == restartCount(pod)) return;
        String now = Instant.now().toString();
        String status = ready ? "True" : "False";
        // restartPolicy Always: the pod stays Running while its container waits to be restarted
        pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP(n.address())
                .withStartTime(n.started().toString())
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus(status).withLastTransitionTime(now).build(),
                        new PodConditionBuilder().withType("ContainersReady").withStatus(status).withLastTransitionTime(now).build())
                .withContainerStatuses(new ContainerStatusBuilder().withName("kafka").withReady(ready).withStarted(alive)
                        .withRestartCount(n.restarts()).build())
                .build());
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
        if (!alive) log.warn("local kubelet: the broker of {} is not running (exit {})", n.pod(), n.process().exitValue());
    }

    private static boolean started(Pod p) {
        return p.getStatus() != null && p.getStatus().getContainerStatuses() != null
                && p.getStatus().getContainerStatuses().stream().anyMatch(c -> Boolean.TRUE.equals(c.getStarted()));
    }

    private static int restartCount(Pod p) {
        return p.getStatus() == null || p.getStatus().getContainerStatuses() == null ? -1
                : p.getStatus().getContainerStatuses().stream().mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount())
                .max().orElse(-1);
    }

    private static boolean podReady(Pod p) {
        return PodSimulator.ready(p);
    }

    /** The pod's readiness probe, run against its address: an HTTP GET (2xx or 3xx is ready) or a TCP connect. */
    private static boolean probe(Node n) {
        Probe p = n.readiness();
        if (p == null) return true;
        if (p.getHttpGet() != null) {
            try {
                URI uri = URI.create("http://" + n.address() + ":" + p.getHttpGet().getPort().getIntVal() + p.getHttpGet().getPath());
                int status = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                return status >= 200 && status < 400;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        if (p.getTcpSocket() != null) return answers(n.address(), p.getTcpSocket().getPort().getIntVal());
        return true;
    }

    private static boolean answers(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void stop(Node n) {
        nodes.remove(n.pod());
        diedAt.remove(n.pod());
        n.process().destroy(); // SIGTERM: a controlled shutdown
        try {
            if (!n.process().waitFor(30, TimeUnit.SECONDS)) n.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            n.process().destroyForcibly();
        }
        log.info("local kubelet: stopped {}", n.pod());
        try {
            DemoGit.deleteTree(root.resolve("pods").resolve(n.pod()));
        } catch (IOException e) {
            // a scratch folder
        }
    }

    /** A claim's folder goes with the claim. */
    private void removeOrphanedVolumes() throws IOException {
        Path volumes = root.resolve("volumes");
        if (!Files.isDirectory(volumes)) return;
        Set<String> claims = new HashSet<>();
        for (PersistentVolumeClaim c : client.persistentVolumeClaims().inNamespace(namespace).list().getItems()) {
            claims.add(c.getMetadata().getName());
        }
        try (var list = Files.list(volumes)) {
            for (Path p : list.toList()) {
                if (!claims.contains(p.getFileName().toString())) {
                    DemoGit.deleteTree(p);
                }
            }
        }
    }

    static Optional<Integer> nodeId(String pod) {
        return Pods.nodeId(pod);
    }

    /** Stops every broker: all get SIGTERM at once, brokers before controllers wait, then whatever is left is killed. */
    @Override
    public void close() {
        timer.shutdownNow();
        List<Node> all = new ArrayList<>(nodes.values());
        nodes.clear();
        all.forEach(n -> n.process().destroy());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Node n : all) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!n.process().waitFor(left, TimeUnit.NANOSECONDS)) n.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                n.process().destroyForcibly();
            }
        }
    }
}

package io.kgr.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;

import io.kgr.it.EmbeddedKafka;
import io.kgr.it.GitRepo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code make bench SCENARIO=serve TOPICS=N [SERVE_RUNS=R]}: {@code bin/kgr serve} (its own process, -Xmx512m, as deployed)
 * against one broker and a bare repository, side by side with what Kafka itself needs in the same run:
 * <ol>
 * <li>a push that adds N topics to an empty cluster, until the broker lists them all; then whether the scheduled runs
 *     after it are green;</li>
 * <li>R scheduled runs that find nothing to do: wall and CPU time per run (from the service's own run records), next
 *     to the warm floor (listTopics + describeTopics(all) + describeConfigs(all) in a warm JVM); the service's RSS and
 *     heap after them;</li>
 * <li>pushes that change one topic's config among N (webhook), until the broker describes the new value.</li>
 * </ol>
 */
public final class ServeBench {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SECRET = "bench-hook-secret";
    private static final int PUSHES = 5;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 && !args[1].isBlank() ? Integer.parseInt(args[1]) : 20;
        // how often the service re-checks; 200 runs for the heap-growth row fit in ~10 min every 3 s
        int every = args.length > 2 && !args[2].isBlank() ? Integer.parseInt(args[2]) : 10;
        Path root = Path.of("").toAbsolutePath();
        Path out = Files.createDirectories(root.resolve("bench-results"));
        Path tmp = Files.createTempDirectory("kgr-serve-bench");
        StringBuilder report = new StringBuilder("| N | scenario | kgr serve | floor (same run) | kgr / floor |\n|---:|---|---:|---:|---:|\n");
        // the floor's creates on a broker of its own, before kgr's and again after it: a broker making 10,000 logs is
        // bound by its file system, and the second broker of a run found it warmer (JIT) or busier (the first one's
        // deleted logs) than the first did
        double floorBefore = floorBulkOnAFreshBroker(n);
        TopicBench.log("floor: " + n + " topics created and listed in " + floorBefore + " s");
        double bulk = Double.NaN;
        String bulkRows = "";
        try (EmbeddedKafka kafka = EmbeddedKafka.start(1, Map.of("log.segment.delete.delay.ms", "500"));
             Admin admin = kafka.admin()) {
            GitRepo repo = GitRepo.create(tmp.resolve("git"));
            repo.write("README.md", "topics for the serve benchmark\n").commitAndPush("empty");
            int port = freePort();
            Files.writeString(tmp.resolve("hook-secret"), SECRET + "\n");
            Files.writeString(tmp.resolve("kgr.yaml"), """
                    server: {port: %d}
                    cacheDir: cache
                    leaderElection: {enabled: false}
                    history: 50
                    clusters:
                      - name: bench
                        kafka: {bootstrapServers: "%s", timeoutSeconds: 120}
                    sources:
                      - name: bench
                        url: %s
                        ref: main
                        cluster: bench
                        schedule: "0/%d * * * * ?"
                        webhook: {secretFile: hook-secret}
                    """.formatted(port, kafka.bootstrapServers(), repo.url(), every));
            // as a user runs it: bin/kgr serve (-Xmx512m, the full JIT for a long-running JVM)
            List<String> cmd = new ArrayList<>(List.of(root.resolve("bin/kgr").toString(), "serve", "--config",
                    tmp.resolve("kgr.yaml").toString()));
            ProcessBuilder builder = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("serve.log").toFile());
            String jfr = System.getProperty("kgr.bench.jfr", ""); // -Dkgr.bench.jfr=FILE profiles the service
            if (!jfr.isEmpty()) {
                builder.environment().put("KGR_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
                        + " -XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
            }
            Process serve = builder.start();
            try {
                String api = "http://127.0.0.1:" + port;
                waitFor(() -> get(api + "/readyz").statusCode() == 200 && !runs(api).isEmpty(), 120);

                // 1. a push that adds every topic
                for (int i = 0; i < n; i++) repo.write("topics/t" + i + ".yaml", topic(i, "86400000"));
                repo.commitAndPush("all topics");
                String pushedAt = java.time.Instant.now().toString();
                long t0 = System.nanoTime();
                hook(api);
                waitFor(() -> admin.listTopics().names().get(60, TimeUnit.SECONDS).stream()
                        .filter(t -> t.startsWith("serve.t")).count() == n, 600, 500); // as often as the floor's wait
                bulk = (System.nanoTime() - t0) / 1e9;
                String listedAt = java.time.Instant.now().toString();
                // every run from the push on (the push's own and those scheduled while and after the topics arrived)
                waitFor(() -> runs(api).stream().filter(r -> r.path("startedAt").asString().compareTo(listedAt) > 0).count() >= 3, 300);
                List<JsonNode> after = runs(api).stream().filter(r -> r.path("startedAt").asString().compareTo(pushedAt) > 0).toList();
                long red = after.stream().filter(r -> !r.path("result").asString().equals("Succeeded")).count();
                bulkRows = String.format("| %,d | runs from the push on that were not green | %d of %d | — | — |%n", n, red, after.size());
                TopicBench.log("bulk push " + bulk + " s; runs after: " + after.size() + ", not green: " + red);

                // 2. scheduled runs with nothing to do
                long rssStart = rssKiB(serve.pid());
                long liveEarly = -1;
                List<JsonNode> noop = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5L + runs / 2);
                String seen = "";
                while (noop.size() < runs && System.nanoTime() < deadline) {
                    Thread.sleep(2000);
                    for (JsonNode r : runs(api)) {
                        String id = r.path("startedAt").asString();
                        if (id.compareTo(seen) <= 0) continue;
                        if (r.path("trigger").asString().equals("schedule") && r.path("message").asString().equals("no changes")) {
                            noop.add(r);
                        }
                    }
                    if (!runs(api).isEmpty()) seen = runs(api).get(0).path("startedAt").asString();
                    TopicBench.log("no-op scheduled runs: " + noop.size() + " of " + runs);
                    if (liveEarly < 0 && noop.size() >= 5) liveEarly = liveHeap(serve.pid(), api);
                }
                long rssEnd = rssKiB(serve.pid());
                long liveEnd = liveHeap(serve.pid(), api);
                double wall = median(noop.stream().map(r -> r.path("durationSeconds").asDouble()).toList());
                double cpu = median(noop.stream().map(r -> r.path("cpuSeconds").asDouble()).toList());
                double floor = floor(admin, api);
                report.append(String.format("| %,d | scheduled run, nothing to do (median of %d) | %.2f s | %.2f s | %.2f× |%n",
                        n, noop.size(), wall, floor, wall / floor));
                // kgr reads the configs over three connections: the same floor read that way, for comparison
                try (Admin second = kafka.admin(); Admin third = kafka.admin()) {
                    double spread = floorSpread(List.of(admin, second, third), api);
                    report.append(String.format("| %,d | the floor with the configs read over 3 clients, 1,000 a request, as kgr reads them | — | %.2f s | %.2f× |%n",
                            n, spread, wall / spread));
                }
                report.append(String.format("| %,d | CPU per such run (process) | %.2f s | — | — |%n", n, cpu));
                report.append(String.format("| %,d | RSS before → after the %d runs | %d → %d MiB | — | — |%n", n, noop.size(),
                        rssStart / 1024, rssEnd / 1024));
                report.append(String.format("| %,d | heap used after them (jvm_memory_used_bytes, heap) | %d MiB | — | — |%n", n,
                        heapUsed(api) / 1024 / 1024));
                report.append(String.format("| %,d | live heap after a full GC: after 5 runs → after %d | %d → %d MiB | — | — |%n", n,
                        noop.size(), liveEarly / 1024 / 1024, liveEnd / 1024 / 1024));

                // 3. one changed topic per push
                List<Double> pushes = new ArrayList<>();
                for (int p = 0; p < PUSHES; p++) {
                    int topic = (p * 997) % n;
                    String value = String.valueOf(86_400_000L + p + 1);
                    repo.write("topics/t" + topic + ".yaml", topic(topic, value));
                    awaitIdle(api);
                    repo.commitAndPush("retention of t" + topic);
                    long start = System.nanoTime();
                    hook(api);
                    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "serve.t" + topic);
                    waitFor(() -> value.equals(admin.describeConfigs(Set.of(r)).all().get(30, TimeUnit.SECONDS).get(r)
                            .get("retention.ms").value()), 120, 20);
                    pushes.add((System.nanoTime() - start) / 1e9);
                    TopicBench.log("push " + (p + 1) + ": " + pushes.get(p) + " s");
                }
                report.append(String.format("| %,d | push of one changed config → on the broker (median of %d) | %.2f s | — | — |%n",
                        n, PUSHES, median(pushes)));
            } finally {
                serve.destroy();
                serve.waitFor(30, TimeUnit.SECONDS);
                serve.destroyForcibly();
            }
        }
        double floorAfter = floorBulkOnAFreshBroker(n);
        TopicBench.log("floor again: " + n + " topics created and listed in " + floorAfter + " s");
        double floorBulk = Math.min(floorBefore, floorAfter);
        report.insert(report.indexOf("\n", report.indexOf("|---")) + 1, String.format(
                "| %,d | push adding all to an empty cluster → all listed | %.1f s | %.1f s (before %.1f, after %.1f) | %.2f× |%n",
                n, bulk, floorBulk, floorBefore, floorAfter, bulk / floorBulk) + bulkRows);
        System.out.println(report);
        Path file = out.resolve("serve-" + LocalDate.now() + ".md");
        Files.writeString(file, "Run " + LocalDate.now() + " on " + TopicBench.machine() + "\n\n" + report, StandardCharsets.UTF_8);
        System.out.println("Written to " + file);
    }

    /**
     * What Kafka itself needs to create N topics until the broker lists them all: the creates in batches under the
     * controller's record limit, all sent before any answer is awaited.
     */
    private static double floorBulkOnAFreshBroker(int n) throws Exception {
        try (EmbeddedKafka fresh = EmbeddedKafka.start(1, Map.of("log.segment.delete.delay.ms", "500"));
             Admin admin = fresh.admin()) {
            return floorBulk(admin, n);
        }
    }

    private static double floorBulk(Admin admin, int n) throws Exception {
        long start = System.nanoTime();
        List<org.apache.kafka.common.KafkaFuture<Void>> sent = new ArrayList<>();
        List<org.apache.kafka.clients.admin.NewTopic> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(new org.apache.kafka.clients.admin.NewTopic("floor.t" + i, 1, (short) 1).configs(Map.of("retention.ms", "86400000")));
            if (batch.size() == 2500 || i == n - 1) {
                sent.add(admin.createTopics(batch).all());
                batch = new ArrayList<>();
            }
        }
        for (var f : sent) f.get(300, TimeUnit.SECONDS);
        waitFor(() -> admin.listTopics().names().get(60, TimeUnit.SECONDS).stream().filter(t -> t.startsWith("floor.t")).count() == n, 600, 500);
        return (System.nanoTime() - start) / 1e9;
    }

    /** What Kafka itself needs for a full observe, in a warm JVM: median of 5 after 2 warm-up rounds. */
    /**
     * The bare observe, in this warm JVM, each time right after one of kgr's runs ended: a floor measured while the
     * service runs beside it on the same 2 cores read 0.9 s one round and 1.5 s another.
     */
    private static double floor(Admin admin, String api) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            awaitIdle(api);
            long start = System.nanoTime();
            Set<String> names = admin.listTopics().names().get(120, TimeUnit.SECONDS);
            admin.describeTopics(names).allTopicNames().get(120, TimeUnit.SECONDS);
            admin.describeConfigs(names.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList())
                    .all().get(120, TimeUnit.SECONDS);
            if (i >= 2) times.add((System.nanoTime() - start) / 1e9);
        }
        return median(times);
    }

    /** As {@link #floor}, the configs asked 1,000 topics a request taking turns among {@code admins}, all in flight. */
    private static double floorSpread(List<Admin> admins, String api) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            awaitIdle(api);
            long start = System.nanoTime();
            Set<String> names = admins.get(0).listTopics().names().get(120, TimeUnit.SECONDS);
            var described = admins.get(0).describeTopics(names).allTopicNames();
            List<ConfigResource> all = names.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            List<org.apache.kafka.common.KafkaFuture<?>> asked = new ArrayList<>();
            for (int from = 0, k = 0; from < all.size(); from += 1_000, k++) {
                asked.add(admins.get(k % admins.size()).describeConfigs(all.subList(from, Math.min(all.size(), from + 1_000))).all());
            }
            for (var f : asked) f.get(120, TimeUnit.SECONDS);
            described.get(120, TimeUnit.SECONDS);
            if (i >= 2) times.add((System.nanoTime() - start) / 1e9);
        }
        return median(times);
    }

    /** Waits until no run is in progress (the last run ended a moment ago), so a push is not queued behind one. */
    private static void awaitIdle(String api) throws Exception {
        waitFor(() -> {
            List<JsonNode> r = runs(api);
            if (r.isEmpty()) return true;
            java.time.Instant ended = java.time.Instant.parse(r.get(0).path("startedAt").asString())
                    .plusMillis((long) (r.get(0).path("durationSeconds").asDouble() * 1000));
            return java.time.Duration.between(ended, java.time.Instant.now()).toMillis() < 1500;
        }, 60, 50);
    }

    private static String topic(int i, String retention) {
        return "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata:\n  name: serve.t" + i
                + "\n  labels:\n    strimzi.io/cluster: bench\nspec:\n  partitions: 1\n  replicas: 1\n  config:\n    retention.ms: "
                + retention + "\n";
    }

    private static void hook(String api) throws Exception {
        String body = "{\"ref\":\"refs/heads/main\"}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String sig = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/hooks/git/bench"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push").header("X-Hub-Signature-256", sig).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IllegalStateException("webhook: " + r.statusCode() + " " + r.body());
    }

    private static List<JsonNode> runs(String api) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(get(api + "/api/v1/runs?source=bench").body()).forEach(out::add);
        return out; // newest first
    }

    /** The heap still reachable: a full GC in the service (jcmd), then its heap in use. */
    private static long liveHeap(long pid, String api) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return -1;
        return heapUsed(api);
    }

    private static long heapUsed(String api) throws Exception {
        long sum = 0;
        for (String line : get(api + "/metrics").body().split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long rssKiB(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check check, int seconds) throws Exception {
        waitFor(check, seconds, 200);
    }

    private static void waitFor(Check check, int seconds, int everyMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                if (check.ok()) return;
            } catch (Exception e) {
                // not yet
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out after " + seconds + " s");
            Thread.sleep(everyMs);
        }
    }
}

package io.kgr.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;

import io.kgr.it.EmbeddedKafka;

/**
 * {@code make bench}: kgr against a real broker at N topics (1 partition, RF 1): plan from empty, apply, no-op plan,
 * each as wall time and peak RSS of the kgr process (median of {@link #RUNS}), next to the Admin floor measured the same way.
 * kgr runs as its own process with the launcher's flags (-Xmx512m), so finishing at all proves the heap bound.
 */
public final class TopicBench {
    /** Samples per row (median); {@code make bench RUNS=…}. */
    static final int RUNS = Integer.getInteger("kgr.bench.runs", 5);

    /** The JVM flags bin/kgr runs a CLI command with; the floor programs run with the same. */
    static final List<String> CLI_JVM = List.of("-Xmx512m", "-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1");

    record Sample(double seconds, long rssKiB) {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length > 0 ? Arrays.stream(args).map(Integer::parseInt).toList() : List.of(1000, 10000);
        Path root = Path.of("").toAbsolutePath();
        Path jar = Path.of(System.getProperty("kgr.jar", root.resolve("reconciler/kgr/target/kgr.jar").toString()));
        Path testClasses = Path.of(System.getProperty("kgr.testClasses", root.resolve("tests/target/test-classes").toString()));
        Path out = Files.createDirectories(root.resolve("bench-results"));
        StringBuilder report = new StringBuilder();
        report.append("| N | step | kgr wall s | kgr peak RSS MiB | floor wall s | floor peak RSS MiB | kgr / floor |\n");
        report.append("|---:|---|---:|---:|---:|---:|---:|\n");

        // deleted logs keep their files open until deleted (60 s by default): one JVM holds at most ~20k files here
        try (EmbeddedKafka kafka = EmbeddedKafka.start(1, java.util.Map.of("log.segment.delete.delay.ms", "500"));
             Admin admin = kafka.admin()) {
            String bs = kafka.bootstrapServers();
            for (int n : sizes) {
                Path repo = Files.createTempDirectory("kgr-bench-" + n);
                String prefix = "bench" + n + ".t";
                writeTopics(repo, prefix, n);
                List<String> kgrBase = TopicBench.kgrCommand(jar);
                List<String> planCmd = concat(kgrBase, "plan", "--repo", repo.toString(), "--bootstrap-server", bs, "--no-color");
                List<String> applyCmd = concat(kgrBase, "apply", "--repo", repo.toString(), "--bootstrap-server", bs,
                        "--auto-approve", "--no-color");
                List<String> floorBase = concat(concat(List.of("java"), CLI_JVM.toArray(String[]::new)), "-cp",
                        jar + ":" + testClasses, AdminFloor.class.getName());
                List<String> floorObserve = concat(floorBase, "observe", bs);
                List<String> floorCreate = concat(floorBase, "observe-create", bs, prefix, String.valueOf(n));

                List<Sample> planEmpty = new ArrayList<>();
                List<Sample> observeEmpty = new ArrayList<>();
                List<Sample> apply = new ArrayList<>();
                List<Sample> create = new ArrayList<>();
                List<Sample> noop = new ArrayList<>();
                List<Sample> observeFull = new ArrayList<>();
                for (int run = 0; run < RUNS; run++) {
                    // kgr and the floor take turns going first, and the broker settles before each pair; the apply
                    // and the floor's creates too, each on an emptied broker (on this machine the same creates swing
                    // ±20 % within minutes: whoever always went second measured a different phase)
                    boolean kgrFirst = run % 2 == 0;
                    log("N=" + n + " run " + (run + 1) + ": plan from empty");
                    pair(kgrFirst, planCmd, planEmpty, floorObserve, observeEmpty);
                    if (!kgrFirst) floorCreate(floorCreate, create, admin, prefix, n, run);
                    log("N=" + n + " run " + (run + 1) + ": apply");
                    apply.add(time(applyCmd, 0));
                    log(String.format("  kgr %.2f s", apply.get(apply.size() - 1).seconds()));
                    settle(n);
                    log("N=" + n + " run " + (run + 1) + ": no-op plan");
                    pair(kgrFirst, planCmd, noop, floorObserve, observeFull);
                    clear(admin, prefix, n);
                    if (kgrFirst) floorCreate(floorCreate, create, admin, prefix, n, run);
                }
                row(report, n, "plan from empty", planEmpty, observeEmpty);
                row(report, n, "apply (from empty)", apply, create);
                row(report, n, "no-op plan", noop, observeFull);
                System.out.println(report);
            }
        }
        String header = "Run " + LocalDate.now() + " on " + machine() + "\n\n";
        Path file = out.resolve("topics-" + LocalDate.now() + ".md");
        Files.writeString(file, header + report, StandardCharsets.UTF_8);
        System.out.println("Written to " + file);
    }

    /** The floor's observe and creates on an empty broker, then the broker emptied again. */
    private static void floorCreate(List<String> command, List<Sample> samples, Admin admin, String prefix, int n, int run)
            throws Exception {
        log("N=" + n + " run " + (run + 1) + ": floor create");
        samples.add(time(command, 0));
        log(String.format("  floor %.2f s", samples.get(samples.size() - 1).seconds()));
        settle(n);
        clear(admin, prefix, n);
    }

    static void pair(boolean kgrFirst, List<String> kgr, List<Sample> kgrSamples, List<String> floor,
                             List<Sample> floorSamples) throws IOException, InterruptedException {
        if (kgrFirst) {
            kgrSamples.add(time(kgr, 0));
            floorSamples.add(time(floor, 0));
        } else {
            floorSamples.add(time(floor, 0));
            kgrSamples.add(time(kgr, 0));
        }
        log(String.format("  kgr %.2f s, floor %.2f s (%s first)", kgrSamples.get(kgrSamples.size() - 1).seconds(),
                floorSamples.get(floorSamples.size() - 1).seconds(), kgrFirst ? "kgr" : "floor"));
    }

    /** The broker creates partition logs in the background after createTopics returns; let it finish. */
    static void settle(int n) throws InterruptedException {
        Thread.sleep(Math.min(30_000, 2_000 + n * 2L));
    }

    static void row(StringBuilder report, int n, String step, List<Sample> kgr, List<Sample> floor) {
        Sample k = median(kgr);
        Sample f = median(floor);
        report.append(String.format("| %,d | %s | %.2f | %d | %.2f | %d | %.2f× |%n", n, step, k.seconds(),
                k.rssKiB() / 1024, f.seconds(), f.rssKiB() / 1024, k.seconds() / f.seconds()));
    }

    private static Sample median(List<Sample> samples) {
        List<Double> secs = samples.stream().map(Sample::seconds).sorted().toList();
        List<Long> rss = samples.stream().map(Sample::rssKiB).sorted().toList();
        return new Sample(secs.get(secs.size() / 2), rss.get(rss.size() / 2));
    }

    /** Runs a command under /usr/bin/time; returns wall seconds and peak RSS. */
    static Sample time(List<String> command, int expectedExit) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "KGR_BENCH %e %M"));
        full.addAll(command);
        Path err = Files.createTempFile("bench", ".err");
        Process p = new ProcessBuilder(full).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile()).start();
        int code = p.waitFor();
        List<String> lines = Files.readAllLines(err);
        Files.delete(err);
        String last = lines.stream().filter(l -> l.startsWith("KGR_BENCH ")).reduce((a, b) -> b).orElseThrow(
                () -> new IllegalStateException("no timing from " + command + ": " + lines));
        if (code != expectedExit) {
            throw new IllegalStateException(command.get(command.size() - 1) + " exited " + code + ": "
                    + lines.stream().limit(20).collect(Collectors.joining("\n")));
        }
        String[] parts = last.split(" ");
        return new Sample(Double.parseDouble(parts[1]), Long.parseLong(parts[2]));
    }

    /** Deletes the benchmark topics and kgr's inventory, and waits until the broker no longer lists them. */
    private static void clear(Admin admin, String prefix, int n) throws Exception {
        Set<String> names = admin.listTopics().names().get(120, TimeUnit.SECONDS).stream()
                .filter(t -> t.startsWith(prefix) || t.equals("__kgr_inventory")).collect(Collectors.toSet());
        List<String> all = new ArrayList<>(names);
        for (int i = 0; i < all.size(); i += 5000) { // the controller takes at most 10,000 records a request
            admin.deleteTopics(all.subList(i, Math.min(all.size(), i + 5000))).all().get(300, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (admin.listTopics().names().get(120, TimeUnit.SECONDS).stream().anyMatch(names::contains)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("topics not deleted in time");
            Thread.sleep(500);
        }
        Thread.sleep(Math.min(30_000, n)); // let the broker finish removing logs before the next measurement
    }

    private static void writeTopics(Path repo, String prefix, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            String name = prefix + i;
            Files.writeString(repo.resolve(name + ".yaml"), "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\n"
                    + "metadata:\n  name: " + name + "\n  labels:\n    strimzi.io/cluster: bench\nspec:\n  partitions: 1\n"
                    + "  replicas: 1\n  config:\n    retention.ms: 86400000\n");
        }
    }

    /** kgr as bin/kgr runs it: C1 only, and the class-data-sharing archive next to the jar when there is one. */
    static List<String> kgrCommand(Path jar) {
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(CLI_JVM);
        Path cds = jar.resolveSibling("kgr.jsa");
        if (Files.exists(cds)) cmd.addAll(List.of("-XX:SharedArchiveFile=" + cds, "-Xlog:cds*=off"));
        cmd.addAll(List.of("-jar", jar.toString()));
        return cmd;
    }

    static List<String> concat(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        Collections.addAll(all, more);
        return all;
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, "
                + Runtime.getRuntime().maxMemory() / 1024 / 1024 + " MiB max heap (bench JVM), Java "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    static void log(String s) {
        System.out.println("[bench] " + s);
    }
}

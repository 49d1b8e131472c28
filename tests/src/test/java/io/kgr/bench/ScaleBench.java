package io.kgr.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;


/**
 * {@code make bench SCENARIO=scale SCALE_TOPICS=50000 BROKERS=4}: whether kgr keeps working far past the controller's
 * 10,000-record request limit on a cluster of several brokers — kgr as bin/kgr runs it: apply N topics (RF 1, one config
 * each) to an empty cluster, a plan right after it (the brokers still list fewer), a no-op plan, then a prune of all but
 * one (N − 1 deletes) and a plan after it. Each step must end as it should (exit code, "No changes"); the table has the
 * wall time of each and how the topics spread over the brokers.
 *
 * <p>How far N can go here: each partition keeps its active segment open (one file descriptor) and maps two index
 * files, so a broker process's open-file limit ({@code ulimit -n}) and {@code vm.max_map_count} (65,530 maps) bound the
 * partitions one process holds. The brokers are processes of their own ({@link BrokerProcesses}), so the cluster holds
 * about that many times the number of brokers; the table has each broker's open files and maps after the apply.
 */
public final class ScaleBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0]) : 15_000;
        int brokers = args.length > 1 && !args[1].isBlank() ? Integer.parseInt(args[1]) : 3;
        Path root = Path.of("").toAbsolutePath();
        Path jar = root.resolve("reconciler/kgr/target/kgr.jar");
        Path repo = Files.createTempDirectory("kgr-scale");
        for (int i = 0; i < n; i++) {
            String name = "scale.t" + i;
            Files.writeString(repo.resolve(name + ".yaml"), "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\n"
                    + "metadata:\n  name: " + name + "\n  labels:\n    strimzi.io/cluster: scale\nspec:\n  partitions: 1\n"
                    + "  replicas: 1\n  config:\n    retention.ms: 86400000\n");
        }
        StringBuilder report = new StringBuilder("| N topics, brokers | step | kgr wall s | result |\n|---|---|---:|---|\n");
        int heap = Integer.parseInt(System.getProperty("kgr.bench.brokerHeapMiB", "1536"));
        try (BrokerProcesses kafka = BrokerProcesses.start(brokers, heap, Map.of("log.segment.delete.delay.ms", "500"));
             Admin admin = kafka.admin()) {
            String bs = kafka.bootstrapServers();
            List<String> kgr = TopicBench.kgrCommand(jar);
            String label = String.format("%,d, %d", n, brokers);

            Result apply = run(TopicBench.concat(kgr, "apply", "--repo", repo.toString(), "--bootstrap-server", bs,
                    "--auto-approve", "--no-color"));
            report.append(row(label, "apply to an empty cluster", apply, apply.code() == 0 && apply.out().contains(
                    "Apply complete: " + (n + 1) + " ok, 0 failed")));
            Result after = run(TopicBench.concat(kgr, "plan", "--repo", repo.toString(), "--bootstrap-server", bs,
                    "--no-color", "--detailed-exitcode"));
            report.append(row(label, "plan right after it (waits for the listing)", after, after.code() == 0));
            Result noop = run(TopicBench.concat(kgr, "plan", "--repo", repo.toString(), "--bootstrap-server", bs,
                    "--no-color", "--detailed-exitcode"));
            report.append(row(label, "no-op plan", noop, noop.code() == 0));
            // what Kafka itself needs for that observe (the floor's JVM gets more heap: it keeps whole answers)
            Path testClasses = root.resolve("tests/target/test-classes");
            long f0 = System.nanoTime();
            Process floor = new ProcessBuilder("java", "-Xmx3g", "-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1", "-cp",
                    jar + ":" + testClasses, AdminFloor.class.getName(), "observe", bs)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int floorCode = floor.waitFor();
            double floorSeconds = (System.nanoTime() - f0) / 1e9;
            TopicBench.log("floor observe exited " + floorCode + " in " + floorSeconds + " s");
            report.append(String.format("| %s | floor: listTopics + describeTopics(all) + describeConfigs(all) | %.1f | %s |%n",
                    label, floorSeconds, floorCode == 0 ? "exit 0" : "**FAILED** exit " + floorCode));
            Result again = run(TopicBench.concat(kgr, "plan", "--repo", repo.toString(), "--bootstrap-server", bs,
                    "--no-color", "--detailed-exitcode"));
            report.append(row(label, "no-op plan again, after the floor", again, again.code() == 0));

            Map<String, TopicDescription> described = admin.describeTopics(admin.listTopics().names().get(120, TimeUnit.SECONDS))
                    .allTopicNames().get(300, TimeUnit.SECONDS);
            int[] leaders = new int[brokers];
            described.values().stream().filter(d -> d.name().startsWith("scale.")).forEach(d ->
                    d.partitions().forEach(p -> leaders[p.leader() == null ? 0 : p.leader().id() % brokers]++));
            report.append(String.format("| %s | partitions led per broker | — | %s |%n", label, java.util.Arrays.toString(leaders)));
            List<String> use = new ArrayList<>();
            for (long pid : kafka.pids()) {
                long fds;
                try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                    fds = list.count();
                }
                use.add(fds + " files / " + Files.readAllLines(Path.of("/proc/" + pid + "/maps")).size() + " maps");
            }
            report.append(String.format("| %s | each broker process after the apply (limits: %s open files, %s maps) | — | %s |%n",
                    label, shell("ulimit -n"), shell("cat /proc/sys/vm/max_map_count"), String.join("; ", use)));

            for (int i = 1; i < n; i++) Files.delete(repo.resolve("scale.t" + i + ".yaml"));
            Result prune = run(TopicBench.concat(kgr, "apply", "--repo", repo.toString(), "--bootstrap-server", bs,
                    "--auto-approve", "--no-color", "--prune", "--allow-mass-prune"));
            report.append(row(label, "prune all but one (" + (n - 1) + " deletes)", prune, prune.code() == 0
                    && prune.out().contains("Apply complete: " + n + " ok, 0 failed")));
            Result last = run(TopicBench.concat(kgr, "plan", "--repo", repo.toString(), "--bootstrap-server", bs,
                    "--no-color", "--detailed-exitcode", "--prune"));
            report.append(row(label, "plan with --prune after it", last, last.code() == 0));
        }
        String header = "Run " + LocalDate.now() + " on " + TopicBench.machine() + ", brokers as processes of their own ("
                + heap + " MiB heap each), their logs in " + System.getProperty("java.io.tmpdir") + "\n\n";
        System.out.println(report);
        Path file = Files.createDirectories(root.resolve("bench-results")).resolve("scale-" + LocalDate.now() + ".md");
        Files.writeString(file, header + report, StandardCharsets.UTF_8);
        System.out.println("Written to " + file);
    }

    private static String shell(String command) throws Exception {
        return new String(new ProcessBuilder("sh", "-c", command).start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).trim();
    }

    record Result(int code, double seconds, String out) {
    }

    static Result run(List<String> command) throws Exception {
        Path out = Files.createTempFile("scale", ".out");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        int code = p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        String text = Files.readString(out);
        if (code == 0) Files.delete(out);
        else TopicBench.log("its output is kept in " + out);
        TopicBench.log(command.get(command.indexOf("--repo") - 1) + " exited " + code + " in " + seconds + " s: "
                + text.lines().filter(l -> l.startsWith("Apply complete") || l.startsWith("No changes") || l.startsWith("Plan:")
                        || l.startsWith("kgr:")).reduce((a, b) -> a + " / " + b).orElse(""));
        return new Result(code, seconds, text);
    }

    private static String row(String label, String step, Result r, boolean ok) {
        String last = r.out().lines().filter(l -> l.startsWith("Apply complete") || l.startsWith("No changes")
                || l.startsWith("Plan:") || l.startsWith("kgr:")).reduce((a, b) -> b).orElse("exit " + r.code());
        return String.format("| %s | %s | %.1f | %s%s |%n", label, step, r.seconds(), ok ? "" : "**FAILED** ", last);
    }
}

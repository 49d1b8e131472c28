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

import io.kgr.it.EmbeddedKafka;

/**
 * {@code make bench SCENARIO=scale TOPICS=15000 BROKERS=3}: whether kgr keeps working far past the controller's
 * 10,000-record request limit on a cluster of several brokers — kgr as bin/kgr runs it: apply N topics (RF 1, one config
 * each) to an empty cluster, a plan right after it (the brokers still list fewer), a no-op plan, then a prune of all but
 * one (N − 1 deletes) and a plan after it. Each step must end as it should (exit code, "No changes"); the table has the
 * wall time of each and how the topics spread over the brokers.
 *
 * <p>How far N can go here: the brokers run in this JVM, and each partition keeps its active segment open (one file
 * descriptor) and maps two index files: the process's open-file limit ({@code ulimit -n}) and {@code vm.max_map_count}
 * (65,530 maps ≈ 30,000 partitions) bound it, whatever the number of brokers.
 */
public final class ScaleBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0]) : 15_000;
        int brokers = args.length > 1 && !args[1].isBlank() ? Integer.parseInt(args[1]) : 3;
        Path root = Path.of("").toAbsolutePath();
        Path jar = root.resolve("reconciler/target/kgr.jar");
        Path repo = Files.createTempDirectory("kgr-scale");
        for (int i = 0; i < n; i++) {
            String name = "scale.t" + i;
            Files.writeString(repo.resolve(name + ".yaml"), "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\n"
                    + "metadata:\n  name: " + name + "\n  labels:\n    strimzi.io/cluster: scale\nspec:\n  partitions: 1\n"
                    + "  replicas: 1\n  config:\n    retention.ms: 86400000\n");
        }
        StringBuilder report = new StringBuilder("| N topics, brokers | step | kgr wall s | result |\n|---|---|---:|---|\n");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(brokers, Map.of("log.segment.delete.delay.ms", "500"));
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

            Map<String, TopicDescription> described = admin.describeTopics(admin.listTopics().names().get(120, TimeUnit.SECONDS))
                    .allTopicNames().get(300, TimeUnit.SECONDS);
            int[] leaders = new int[brokers];
            described.values().stream().filter(d -> d.name().startsWith("scale.")).forEach(d ->
                    d.partitions().forEach(p -> leaders[p.leader() == null ? 0 : p.leader().id() % brokers]++));
            report.append(String.format("| %s | partitions led per broker | — | %s |%n", label, java.util.Arrays.toString(leaders)));

            for (int i = 1; i < n; i++) Files.delete(repo.resolve("scale.t" + i + ".yaml"));
            Result prune = run(TopicBench.concat(kgr, "apply", "--repo", repo.toString(), "--bootstrap-server", bs,
                    "--auto-approve", "--no-color", "--prune", "--allow-mass-prune"));
            report.append(row(label, "prune all but one (" + (n - 1) + " deletes)", prune, prune.code() == 0
                    && prune.out().contains("Apply complete: " + n + " ok, 0 failed")));
            Result last = run(TopicBench.concat(kgr, "plan", "--repo", repo.toString(), "--bootstrap-server", bs,
                    "--no-color", "--detailed-exitcode", "--prune"));
            report.append(row(label, "plan with --prune after it", last, last.code() == 0));
        }
        String header = "Run " + LocalDate.now() + " on " + TopicBench.machine() + ", ulimit -n "
                + new String(new ProcessBuilder("sh", "-c", "ulimit -n").start().getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8).trim() + "\n\n";
        System.out.println(report);
        Path file = Files.createDirectories(root.resolve("bench-results")).resolve("scale-" + LocalDate.now() + ".md");
        Files.writeString(file, header + report, StandardCharsets.UTF_8);
        System.out.println("Written to " + file);
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
        Files.delete(out);
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

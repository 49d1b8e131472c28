package io.kgr.bench;

import static io.kgr.bench.TopicBench.log;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;

import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.embedded.LocalKubelet;
import io.kgr.it.Kgr;
import io.kgr.it.RollingCluster;

/**
 * {@code make bench}, rolling restart: kgr creates a 3-broker + 1-controller KRaft cluster from Git as real broker
 * JVMs (local kubelet), then a restart-only change rolls every node while an idempotent acks=all producer writes
 * numbered messages for the whole roll. Reports the roll per node (delete → Ready → under-replicated 0), the total,
 * the producer's errors and longest gap between acknowledgements, and whether every acknowledged message was read back
 * exactly once, in order. Optional argument: how many rolls to measure (default 2).
 */
public final class RollBench {
    public static void main(String[] args) throws Exception {
        int rolls = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Path root = Path.of("").toAbsolutePath();
        Path work = Files.createTempDirectory("kgr-bench-roll");
        Path repo = Files.createDirectories(work.resolve("repo"));
        String bootstrap = RollingCluster.BOOTSTRAP;
        StringBuilder report = new StringBuilder();
        report.append("| roll | brokers-0 s | brokers-1 s | brokers-2 s | controllers-3 s | whole apply s | acknowledged |"
                + " producer errors | longest gap ms | read back |\n");
        report.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        try (EmbeddedKubernetes kube = EmbeddedKubernetes.start("kafka");
             LocalKubelet kubelet = new LocalKubelet(kube.client(), "kafka", work.resolve("data"),
                     System.getProperty("java.class.path")).start()) {
            Path kubeconfig = kube.writeKubeconfig(work.resolve("kubeconfig"));
            RollingCluster.write(repo, "");
            log("creating the cluster from Git (4 broker JVMs) …");
            expectOk(Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "180"));
            expectOk(Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "180"));
            for (int i = 1; i <= rolls; i++) {
                RollingCluster.Traffic traffic = RollingCluster.Traffic.start(bootstrap, "roll-" + i);
                Thread.sleep(3000);
                RollingCluster.write(repo, "num.replica.alter.log.dirs.threads: " + (i + 1));
                log("roll " + i + " …");
                long t0 = System.nanoTime();
                Kgr.Result roll = Kgr.onKubernetes(repo, kubeconfig, null, "apply", "--auto-approve", "--pod-ready-timeout", "180");
                double whole = (System.nanoTime() - t0) / 1e9;
                Thread.sleep(3000);
                RollingCluster.Sent sent = traffic.stop();
                expectOk(roll);
                Map<String, Double> perNode = RollingCluster.rollSeconds(roll.out());
                RollingCluster.Check check = RollingCluster.check(sent, RollingCluster.readBack(bootstrap, "roll-" + i));
                report.append(String.format("| %d | %s | %s | %s | %s | %.1f | %,d | %d | %d | %s |%n", i,
                        seconds(perNode, "rolling-brokers-0"), seconds(perNode, "rolling-brokers-1"),
                        seconds(perNode, "rolling-brokers-2"), seconds(perNode, "rolling-controllers-3"), whole,
                        sent.total(), sent.errors(), sent.longestStallMs(),
                        check.exactlyOnceInOrder() ? "all, exactly once, in order"
                                : check.missing() + " missing, " + check.duplicates() + " duplicates, out of order: "
                                + check.outOfOrderPartitions()));
            }
        } finally {
            try (var walk = Files.walk(work)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        System.out.println(report);
        Path out = Files.createDirectories(root.resolve("bench-results")).resolve("roll-" + LocalDate.now() + ".md");
        Files.writeString(out, "Run " + LocalDate.now() + " on " + TopicBench.machine() + "\n\n" + report, StandardCharsets.UTF_8);
        log("written to " + out);
    }

    private static String seconds(Map<String, Double> perNode, String pod) {
        Double s = perNode.get(pod);
        return s == null ? "—" : String.format("%.1f", s);
    }

    private static void expectOk(Kgr.Result r) {
        if (r.exitCode() != 0) throw new IllegalStateException("kgr apply failed:\n" + r.all());
    }
}

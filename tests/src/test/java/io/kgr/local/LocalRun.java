package io.kgr.local;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;

import io.kgr.cli.Main;
import io.kgr.it.EmbeddedKafka;

/**
 * What {@code make run} starts until the embedded demo exists: a real 3-broker KRaft cluster in this JVM, then kgr's
 * main job against it — validate, plan, apply and plan again over samples-repo — and the cluster stays up for
 * trying kgr by hand until Ctrl-C ({@code --once} exits instead).
 */
public final class LocalRun {
    public static void main(String[] args) throws Exception {
        boolean once = List.of(args).contains("--once");
        int brokers = List.of(args).contains("--brokers=1") ? 1 : 3;
        Path samples = Path.of(System.getProperty("kgr.samples", "samples-repo")).toAbsolutePath().normalize();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);

        out.println("==> starting a real Kafka cluster in this process (KRaft, " + brokers + " broker(s)) …");
        long t0 = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(brokers)) {
            String bootstrap = kafka.bootstrapServers();
            out.printf("    up in %.1f s at %s%n%n", (System.nanoTime() - t0) / 1e9, bootstrap);

            step(out, "kgr validate " + samples);
            int code = Main.run(out, err, "validate", samples.toString());
            if (code != 0) System.exit(code);

            step(out, "kgr plan --repo samples-repo --bootstrap-server " + bootstrap);
            Main.run(out, err, "plan", "--repo", samples.toString(), "--bootstrap-server", bootstrap);

            step(out, "kgr apply --repo samples-repo --auto-approve");
            code = Main.run(out, err, "apply", "--repo", samples.toString(), "--bootstrap-server", bootstrap, "--auto-approve");
            if (code != 0) System.exit(code);

            step(out, "kgr plan (again: the cluster now matches Git)");
            code = Main.run(out, err, "plan", "--repo", samples.toString(), "--bootstrap-server", bootstrap,
                    "--detailed-exitcode");
            try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", bootstrap))) {
                out.println("Topics on the broker now: " + admin.listTopics().names().get(30, TimeUnit.SECONDS).size());
            }
            if (once) {
                System.exit(code);
            }
            out.println();
            out.println("The cluster stays up. In another terminal, edit samples-repo and try:");
            out.println("  bin/kgr plan  --repo samples-repo --bootstrap-server " + bootstrap);
            out.println("  bin/kgr apply --repo samples-repo --bootstrap-server " + bootstrap + " [--prune]");
            out.println("Ctrl-C stops it (its data lives in a temporary folder and is removed).");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
    }

    private static void step(PrintWriter out, String title) {
        out.println("==> " + title);
        out.flush();
    }
}

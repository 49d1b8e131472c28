package io.kgr.local;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;

import io.kgr.cli.Main;
import io.kgr.manifest.ManifestLoader;
import io.kgr.manifest.SchemaCatalog;
import io.kgr.source.GitSource;
import io.kgr.source.SourceSpec;
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

        out.println("==> starting a real Kafka cluster in this process (KRaft, " + brokers + " broker(s), with an authorizer) …");
        long t0 = System.nanoTime();
        Path secrets = Files.createTempDirectory("kgr-secrets");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(brokers, Map.of(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:ANONYMOUS"))) {
            String bootstrap = kafka.bootstrapServers();
            out.printf("    up in %.1f s at %s%n", (System.nanoTime() - t0) / 1e9, bootstrap);
            int written = writeSecrets(samples, secrets);
            out.println("    " + written + " user password(s) generated into " + secrets + " (passed as --secrets-dir)");
            out.println();

            step(out, "kgr validate " + samples);
            int code = Main.run(out, err, "validate", samples.toString(), "--secrets-dir", secrets.toString());
            if (code != 0) System.exit(code);

            step(out, "kgr plan --repo samples-repo --bootstrap-server " + bootstrap);
            Main.run(out, err, "plan", "--repo", samples.toString(), "--bootstrap-server", bootstrap,
                    "--secrets-dir", secrets.toString());

            step(out, "kgr apply --repo samples-repo --auto-approve");
            code = Main.run(out, err, "apply", "--repo", samples.toString(), "--bootstrap-server", bootstrap,
                    "--secrets-dir", secrets.toString(), "--auto-approve");
            if (code != 0) System.exit(code);

            step(out, "kgr plan (again: the cluster now matches Git)");
            code = Main.run(out, err, "plan", "--repo", samples.toString(), "--bootstrap-server", bootstrap,
                    "--secrets-dir", secrets.toString(), "--detailed-exitcode");
            try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", bootstrap))) {
                out.println("Topics on the broker now: " + admin.listTopics().names().get(30, TimeUnit.SECONDS).size());
            }
            if (once) {
                System.exit(code);
            }
            out.println();
            out.println("The cluster stays up. In another terminal, edit samples-repo and try:");
            out.println("  bin/kgr plan  --repo samples-repo --bootstrap-server " + bootstrap + " --secrets-dir " + secrets);
            out.println("  bin/kgr apply --repo samples-repo --bootstrap-server " + bootstrap + " --secrets-dir " + secrets
                    + " [--prune]");
            out.println("Ctrl-C stops it (its data lives in a temporary folder and is removed).");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        } finally {
            deleteTree(secrets);
        }
    }

    /** A random password for every secretKeyRef of the repository's users, laid out as --secrets-dir expects. */
    private static int writeSecrets(Path repo, Path dir) throws Exception {
        var snapshot = new GitSource().read(new SourceSpec(repo.toString(), Optional.empty(), "", dir, Optional.empty()));
        var manifests = new ManifestLoader(new SchemaCatalog()).load(snapshot);
        SecureRandom random = new SecureRandom();
        int n = 0;
        for (var m : manifests.ofKind("KafkaUser")) {
            var ref = m.body().path("spec").path("authentication").path("password").path("valueFrom").path("secretKeyRef");
            if (!ref.isObject()) continue;
            Path file = dir.resolve(ref.path("name").asString()).resolve(ref.path("key").asString());
            Files.createDirectories(file.getParent());
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            n++;
        }
        return n;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static void step(PrintWriter out, String title) {
        out.println("==> " + title);
        out.flush();
    }
}

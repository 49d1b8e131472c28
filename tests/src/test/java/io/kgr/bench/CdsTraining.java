package io.kgr.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.kgr.it.EmbeddedKafka;

/**
 * {@code make build}: the class-data-sharing archive {@code bin/kgr} starts from holds the classes one real run loads
 * (its class list; make then dumps a static archive) — an apply of topics and users with ACLs against a throwaway
 * broker — so that it holds the Kafka clients' classes as well as
 * kgr's (a run that only validates left out the Admin, consumer and producer: ≈ 0.2 s a run). Exits non-zero when
 * the run fails; the Makefile then falls back to an archive from {@code kgr validate}.
 */
public final class CdsTraining {
    public static void main(String[] args) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path repo = Files.createTempDirectory("kgr-cds-repo");
        Path secrets = Files.createTempDirectory("kgr-cds-secrets");
        for (int i = 0; i < 20; i++) {
            Files.writeString(repo.resolve("t" + i + ".yaml"), "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\n"
                    + "metadata:\n  name: cds.t" + i + "\n  labels:\n    strimzi.io/cluster: cds\nspec:\n  partitions: 1\n"
                    + "  replicas: 1\n  config:\n    retention.ms: 86400000\n");
        }
        for (int i = 0; i < 3; i++) {
            String user = "cds-user" + i;
            Files.createDirectories(secrets.resolve(user));
            Files.writeString(secrets.resolve(user).resolve("password"), "training-only-" + i);
            Files.writeString(repo.resolve(user + ".yaml"), "apiVersion: kafka.strimzi.io/v1\nkind: KafkaUser\n"
                    + "metadata:\n  name: " + user + "\n  labels:\n    strimzi.io/cluster: cds\nspec:\n"
                    + "  authentication:\n    type: scram-sha-512\n    password:\n      valueFrom:\n        secretKeyRef:\n"
                    + "          name: " + user + "\n          key: password\n  authorization:\n    type: simple\n    acls:\n"
                    + "      - resource: {type: topic, name: cds., patternType: prefix}\n        operations: [Read, Write]\n"
                    + "  quotas:\n    producerByteRate: 1048576\n");
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(1, Map.of(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:ANONYMOUS"))) {
            ProcessBuilder apply = new ProcessBuilder(root.resolve("bin/kgr").toString(), "apply", "--repo", repo.toString(),
                    "--bootstrap-server", kafka.bootstrapServers(), "--secrets-dir", secrets.toString(), "--auto-approve",
                    "--no-color", "--cache-dir", Files.createTempDirectory("kgr-cds-cache").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            apply.environment().put("KGR_CDS_DUMP", "1");
            Process p = apply.start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                System.err.println("kgr: the training run for the class-data-sharing archive failed");
                System.exit(1);
            }
        }
        System.exit(0);
    }
}
